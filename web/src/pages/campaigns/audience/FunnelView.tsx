import { LoadingOutlined } from '@ant-design/icons';
import { Alert, Card, Flex, Typography, theme } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

import { errorMessage } from '../../../api/errors';
import { formatCount } from '../../../lib/format';
import { GLOBAL_CONTROL } from './draft';
import { formatPartOf, stepLabel, type LabelContext } from './labels';
import type { PreviewResult } from './api';

const { Text } = Typography;


function FunnelBars({ result, ctx }: { result: PreviewResult; ctx: LabelContext }) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const { funnel } = result.preview;
  const base = Math.max(1, funnel[0]?.remaining ?? 1);
  const count = (n: number) => formatCount(n, ctx.language);
  return (
    <ol style={{ listStyle: 'none', margin: 0, padding: 0 }} data-testid="funnel-steps">
      {funnel.map((step) => {
        const label = stepLabel(ctx, result.spec, step);
        const remaining = (step.remaining / base) * 100;
        const removed = (step.removed / base) * 100;
        return (
          <li
            key={step.step}
            data-testid="funnel-step"
            data-kind={step.kind}
            data-removed={step.removed}
            data-remaining={step.remaining}
            aria-label={
              step.step === 0
                ? `${label}: ${count(step.remaining)}`
                : t('audience.funnel.stepLabel', { label, removed: count(step.removed), remaining: count(step.remaining) })
            }
            style={{ padding: '6px 0', borderBottom: `1px solid ${token.colorSplit}` }}
          >
            <Flex align="baseline" gap={8}>
              <Text type="secondary" style={{ width: 20, flex: 'none', fontVariantNumeric: 'tabular-nums' }}>
                {step.step}
              </Text>
              <Text style={{ flex: 1, minWidth: 0 }} ellipsis={{ tooltip: label }}>
                {label}
              </Text>
              {step.step > 0 ? (
                <Text
                  style={{
                    flex: 'none',
                    fontVariantNumeric: 'tabular-nums',
                    color: step.removed > 0 ? token.colorError : token.colorTextTertiary,
                  }}
                  title={t('audience.funnel.removed')}
                  data-testid="step-removed"
                >
                  {step.removed > 0 ? `−${count(step.removed)}` : '0'}
                </Text>
              ) : null}
              <Text
                strong
                style={{ flex: 'none', width: 84, textAlign: 'right', fontVariantNumeric: 'tabular-nums' }}
                title={t('audience.funnel.remaining')}
                data-testid="step-remaining"
              >
                {count(step.remaining)}
              </Text>
            </Flex>
            <div
              aria-hidden
              style={{
                display: 'flex',
                height: 8,
                marginTop: 4,
                marginLeft: 28,
                borderRadius: 4,
                overflow: 'hidden',
                background: token.colorFillTertiary,
              }}
            >
              <div style={{ width: `${remaining}%`, background: token.colorPrimary, transition: 'width 200ms' }} />
              <div style={{ width: `${removed}%`, background: token.colorErrorBorder, transition: 'width 200ms' }} />
            </div>
          </li>
        );
      })}
    </ol>
  );
}

export interface FunnelViewProps {
  result?: PreviewResult;
  /** The result is for the spec on screen. */
  fresh: boolean;
  /** A new count is on its way (the spec changed, or the request is in flight). */
  pending: boolean;
  error: unknown;
  /** No spec to count (the source is not complete). */
  waiting: boolean;
  ctx: LabelContext;
  /** Shown under the steps, dimmed with them (reachability, overlap). */
  below?: ReactNode;
}

export function FunnelView({ result, fresh, pending, error, waiting, ctx, below }: FunnelViewProps) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const preview = result?.preview;
  const source = preview?.funnel[0]?.remaining ?? 0;
  const noGlobalControl =
    result && !(result.spec.filters ?? []).some((f) => f.kind === 'suppression' && f.list === GLOBAL_CONTROL);
  return (
    <Card
      size="small"
      data-testid="funnel"
      data-pending={pending}
      data-fresh={fresh && !pending && !error}
      title={t('audience.funnel.title')}
      extra={
        pending ? (
          <Text type="secondary" role="status">
            <LoadingOutlined /> {t('audience.funnel.updating')}
          </Text>
        ) : preview ? (
          <Text type="secondary" style={{ fontSize: 12 }}>
            {t('audience.funnel.elapsed', { ms: formatCount(Math.round(preview.elapsed_ms), ctx.language) })}
          </Text>
        ) : null
      }
    >
      <Flex vertical gap={12}>
        {waiting ? <Alert type="info" showIcon title={t('audience.funnel.waiting')} /> : null}
        {error && !waiting ? (
          <Alert
            type="error"
            showIcon
            role="alert"
            data-testid="funnel-error"
            title={t('audience.funnel.error')}
            description={
              <>
                {errorMessage(error, t)}
                {preview ? <div style={{ marginTop: 4 }}>{t('audience.funnel.stale')}</div> : null}
              </>
            }
          />
        ) : null}
        {result && preview ? (
          <div style={{ opacity: fresh && !error ? 1 : 0.55, transition: 'opacity 150ms' }}>
            <div
              style={{
                background: token.colorPrimaryBg,
                borderRadius: token.borderRadiusLG,
                padding: '10px 14px',
                marginBottom: 8,
              }}
            >
              <Text type="secondary">{t('audience.funnel.size')}</Text>
              <div aria-live="polite">
                <Text
                  strong
                  data-testid="audience-size"
                  data-size={preview.size}
                  style={{ fontSize: 32, lineHeight: 1.2, fontVariantNumeric: 'tabular-nums', color: token.colorPrimary }}
                >
                  {formatCount(preview.size, ctx.language)}
                </Text>
              </div>
              <Text type="secondary" style={{ fontSize: 12 }}>
                {t('audience.funnel.share', { share: formatPartOf(preview.size, source, ctx.language) })}
              </Text>
            </div>
            {noGlobalControl ? (
              <Alert type="warning" showIcon style={{ marginBottom: 8 }} title={t('audience.funnel.warningGlobal')} />
            ) : null}
            {preview.size === 0 ? (
              <Alert type="warning" showIcon style={{ marginBottom: 8 }} title={t('audience.funnel.warningEmpty')} />
            ) : null}
            <FunnelBars result={result} ctx={ctx} />
            {below}
          </div>
        ) : null}
      </Flex>
    </Card>
  );
}
