import { LockOutlined, UserOutlined } from '@ant-design/icons';
import type { TFunction } from 'i18next';
import { Alert, Button, Card, Flex, Form, Input, Typography, theme, type InputRef } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useSearchParams } from 'react-router';

import { ApiError, errorMessage } from '../../api/errors';
import { safeNextPath } from '../../auth/nextPath';
import { SessionSpinner } from '../../auth/RequireAuth';
import { session, SignInError } from '../../auth/session';
import { useSession } from '../../auth/useSession';
import { LanguageSwitch } from '../../components/LanguageSwitch';

const { Title, Text } = Typography;

interface Credentials {
  username: string;
  password: string;
}

/** What went wrong with the last attempt, in the terms the page explains it. */
type Failure =
  | { kind: 'invalid' }
  | { kind: 'forbidden'; message: string }
  | { kind: 'throttled'; until: number | null }
  | { kind: 'unavailable' }
  | { kind: 'other'; message: string };

function classify(error: unknown, t: TFunction): Failure {
  if (error instanceof ApiError) {
    if (error.status === 401) return { kind: 'invalid' };
    if (error.status === 403) return { kind: 'forbidden', message: errorMessage(error, t) };
    if (error.status === 429) {
      const seconds = error instanceof SignInError ? error.retryAfterSeconds : null;
      return { kind: 'throttled', until: seconds === null ? null : Date.now() + seconds * 1000 };
    }
    if (error.status === 503) return { kind: 'unavailable' };
  }
  return { kind: 'other', message: errorMessage(error, t) };
}

/** Seconds left until `until`, ticking once a second; 0 when it has passed (or there is none). */
function useSecondsLeft(until: number | null): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (until === null) return undefined;
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, [until]);
  return until === null ? 0 : Math.max(0, Math.ceil((until - now) / 1000));
}

function FailureAlert({ failure }: { failure: Failure }) {
  const { t } = useTranslation();
  const secondsLeft = useSecondsLeft(failure.kind === 'throttled' ? failure.until : null);
  const common = { type: 'error' as const, showIcon: true, role: 'alert', 'data-testid': 'login-error' };
  switch (failure.kind) {
    case 'invalid':
      return <Alert {...common} title={t('login.errors.invalid')} />;
    case 'forbidden':
      return (
        <Alert {...common} title={t('login.errors.forbiddenTitle')} description={failure.message} />
      );
    case 'throttled': {
      const wait =
        secondsLeft >= 60
          ? t('duration.minutes', { m: Math.floor(secondsLeft / 60), s: secondsLeft % 60 })
          : t('duration.seconds', { s: secondsLeft });
      return (
        <Alert
          {...common}
          type="warning"
          title={t('login.errors.throttledTitle')}
          description={secondsLeft > 0 ? t('login.errors.throttled', { wait }) : t('login.errors.throttledLater')}
        />
      );
    }
    case 'unavailable':
      return <Alert {...common} title={t('login.errors.unavailableTitle')} description={t('login.errors.unavailable')} />;
    default:
      return <Alert {...common} title={t('login.errors.failedTitle')} description={failure.message} />;
  }
}

/**
 * /login: the product's front door. Russian by default, with the language switch; after sign-in
 * goes to the page the user wanted (`?next=`). A stored session is restored without asking.
 */
export function LoginPage() {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const { status, reason } = useSession();
  const [params] = useSearchParams();
  const next = safeNextPath(params.get('next'));
  const [form] = Form.useForm<Credentials>();
  const passwordRef = useRef<InputRef>(null);
  const [pending, setPending] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const throttledUntil = failure?.kind === 'throttled' ? failure.until : null;
  const throttled = useSecondsLeft(throttledUntil) > 0;

  useEffect(() => {
    document.title = `${t('login.docTitle')} · ${t('app.name')}`;
  }, [t]);

  useEffect(() => {
    if (status === 'restoring') void session.restore();
  }, [status]);

  // After the form is enabled again (not in the handler: the input is still disabled there).
  useEffect(() => {
    if (failure?.kind === 'invalid' && !pending) passwordRef.current?.focus();
  }, [failure, pending]);

  if (status === 'restoring') return <SessionSpinner />;
  if (status === 'signedIn') return <Navigate to={next} replace />;

  const onFinish = async ({ username, password }: Credentials) => {
    setPending(true);
    setFailure(null);
    try {
      await session.signIn(username.trim(), password);
      // The session is signed in now: this page re-renders as a redirect to `next`.
    } catch (error) {
      const failed = classify(error, t);
      setFailure(failed);
      setPending(false);
      // Wrong password, most likely: let the user type it again straight away (focus: effect below).
      if (failed.kind === 'invalid') form.setFieldValue('password', '');
    }
  };

  const notice =
    !failure && reason === 'expired'
      ? { type: 'warning' as const, text: t('login.expired') }
      : !failure && reason === 'unavailable'
        ? { type: 'warning' as const, text: t('login.unavailable') }
        : !failure && reason === 'signedOut'
          ? { type: 'info' as const, text: t('login.signedOut') }
          : null;

  return (
    <Flex
      vertical
      style={{
        minHeight: '100vh',
        background: `linear-gradient(160deg, ${token.colorPrimaryBg} 0%, ${token.colorBgLayout} 55%)`,
      }}
    >
      <Flex justify="flex-end" style={{ padding: '16px 24px' }}>
        <LanguageSwitch />
      </Flex>
      <Flex flex={1} align="center" justify="center" style={{ padding: '0 16px 12vh' }}>
        <Card style={{ width: '100%', maxWidth: 400, boxShadow: token.boxShadowTertiary }} styles={{ body: { padding: 32 } }}>
          <Flex vertical align="center" gap={4} style={{ marginBottom: 24 }}>
            <img src="/favicon.svg" alt="" width={48} height={48} />
            <Text strong style={{ fontSize: 22 }}>
              {t('app.name')}
            </Text>
            <Text type="secondary">{t('login.subtitle')}</Text>
          </Flex>
          <Title level={4} style={{ marginTop: 0, marginBottom: 16 }}>
            {t('login.title')}
          </Title>
          {failure ? (
            <div style={{ marginBottom: 16 }}>
              <FailureAlert failure={failure} />
            </div>
          ) : null}
          {notice ? (
            <Alert type={notice.type} showIcon title={notice.text} style={{ marginBottom: 16 }} data-testid="login-notice" />
          ) : null}
          <Form<Credentials> form={form} layout="vertical" requiredMark={false} onFinish={(values) => void onFinish(values)} disabled={pending}>
            <Form.Item
              name="username"
              label={t('login.username')}
              rules={[{ required: true, whitespace: true, message: t('login.usernameRequired') }]}
            >
              <Input prefix={<UserOutlined />} autoComplete="username" autoFocus size="large" />
            </Form.Item>
            <Form.Item
              name="password"
              label={t('login.password')}
              rules={[{ required: true, message: t('login.passwordRequired') }]}
            >
              <Input.Password ref={passwordRef} prefix={<LockOutlined />} autoComplete="current-password" size="large" />
            </Form.Item>
            <Form.Item style={{ marginBottom: 8 }}>
              <Button type="primary" htmlType="submit" block size="large" loading={pending} disabled={throttled}>
                {t('login.submit')}
              </Button>
            </Form.Item>
          </Form>
          <Text type="secondary" style={{ fontSize: 12 }}>
            {t('login.hint')}
          </Text>
        </Card>
      </Flex>
    </Flex>
  );
}
