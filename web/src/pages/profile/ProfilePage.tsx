import { Alert, App, Button, Card, Checkbox, Flex, Radio, Skeleton, Typography } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { api } from '../../api/client';
import { errorMessage, unwrap } from '../../api/errors';
import type { components } from '../../api/schema';
import { ErrorAlert } from '../../components/ErrorAlert';

const { Title, Paragraph } = Typography;

type Preferences = components['schemas']['PreferencesOut'];

/** Profile: which mails the user gets, and in which language (RU or KZ). */
export function ProfilePage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const prefs = useQuery({
    queryKey: ['notification-preferences'],
    queryFn: async ({ signal }) => unwrap(await api.GET('/api/v1/notifications/preferences', { signal })),
  });
  const save = useMutation({
    mutationFn: async (body: { language: 'ru' | 'kz'; kinds: Record<string, boolean> }) =>
      unwrap(await api.PUT('/api/v1/notifications/preferences', { body })),
    onSuccess: (saved) => {
      client.setQueryData(['notification-preferences'], saved);
      void message.success(t('notifications.saved'));
    },
    onError: (error) => void message.error(errorMessage(error, t)),
  });
  if (prefs.isError) return <ErrorAlert title={t('notifications.title')} error={prefs.error} onRetry={() => void prefs.refetch()} />;
  return (
    <Card>
      <Title level={3} style={{ marginTop: 0 }}>
        {t('notifications.title')}
      </Title>
      {prefs.data ? <PreferencesForm key={JSON.stringify(prefs.data)} prefs={prefs.data} saving={save.isPending} onSave={save.mutate} /> : <Skeleton />}
    </Card>
  );
}

function PreferencesForm({
  prefs,
  saving,
  onSave,
}: {
  prefs: Preferences;
  saving: boolean;
  onSave: (body: { language: 'ru' | 'kz'; kinds: Record<string, boolean> }) => void;
}) {
  const { t } = useTranslation();
  const [language, setLanguage] = useState<'ru' | 'kz'>(prefs.language ?? 'ru');
  const [kinds, setKinds] = useState<Record<string, boolean>>(prefs.kinds ?? {});
  return (
    <Flex vertical gap={16} data-testid="notification-preferences">
      {prefs.email ? (
        <Paragraph type="secondary" style={{ margin: 0 }}>
          {t('notifications.intro', { email: prefs.email })}
        </Paragraph>
      ) : (
        <Alert type="warning" showIcon message={t('notifications.noEmail')} />
      )}
      <div>
        <Typography.Text strong>{t('notifications.language')}</Typography.Text>
        <div>
          <Radio.Group
            value={language}
            onChange={(event) => setLanguage(event.target.value as 'ru' | 'kz')}
            options={[
              { value: 'ru', label: t('notifications.languages.ru') },
              { value: 'kz', label: t('notifications.languages.kz') },
            ]}
          />
        </div>
      </div>
      <Flex vertical gap={4}>
        {prefs.available.map((kind) => (
          <Checkbox key={kind} checked={kinds[kind] ?? true} onChange={(event) => setKinds({ ...kinds, [kind]: event.target.checked })}>
            {t(`notifications.kind.${kind}`, { defaultValue: kind })}
          </Checkbox>
        ))}
      </Flex>
      <div>
        <Button type="primary" loading={saving} onClick={() => onSave({ language, kinds })}>
          {t('notifications.save')}
        </Button>
      </div>
    </Flex>
  );
}
