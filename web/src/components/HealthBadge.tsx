import { Badge, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';

import { useHealth } from './useHealth';

/** A small status light for the header: is the API up, and can it reach the warehouse. */
export function HealthBadge() {
  const { t } = useTranslation();
  const health = useHealth();

  if (health.isPending) {
    return <Badge status="processing" text={t('health.checking')} data-testid="health-badge" />;
  }
  if (health.isError) {
    return (
      <Badge status="error" text={t('health.unreachable')} data-testid="health-badge" data-status="unreachable" />
    );
  }
  const { status, version, warehouse } = health.data;
  const details = (
    <>
      <div>{t('health.version', { version })}</div>
      <div>
        {t('health.warehouse', {
          dialect: warehouse.dialect,
          state: warehouse.reachable ? t('health.reachable') : t('health.notReachable'),
        })}
      </div>
    </>
  );
  return (
    <Tooltip title={details} placement="bottom">
      <Badge
        status={status === 'ok' ? 'success' : 'warning'}
        text={`${status === 'ok' ? t('health.ok') : t('health.degraded')} · v${version}`}
        data-testid="health-badge"
        data-status={status}
      />
    </Tooltip>
  );
}
