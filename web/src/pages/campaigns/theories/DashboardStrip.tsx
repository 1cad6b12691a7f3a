import { Card, Col, Flex, Row, Skeleton, Statistic, Tag, Typography } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';

import { ErrorAlert } from '../../../components/ErrorAlert';
import { formatCount, formatDate } from '../../../lib/format';
import { EChart } from '../../../components/EChart';
import { bankToday } from '../../../lib/dates';
import { DASHBOARD_DAYS, useDashboard, type Dashboard } from './api';
import { dashboardContactsOption } from './charts';
import { STATUS_COLORS, statusName, TYPE_COLORS } from './status';
import { useChartColors } from './useChartColors';

const { Text } = Typography;

/** The order statuses are listed in: the life of a campaign. */
const EFFECTIVE_ORDER = ['draft', 'scheduled', 'active', 'ended', 'finished', 'cancelled'];

function ContactsChart({ dashboard }: { dashboard: Dashboard }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'ru';
  const colors = useChartColors();
  const today = bankToday();
  const series = dashboard.contacts_per_day;
  const past = series.filter((point) => point.day <= today).reduce((sum, point) => sum + point.count, 0);
  const planned = series.filter((point) => point.day > today).reduce((sum, point) => sum + point.count, 0);
  const busiest = series.reduce<{ day: string; count: number } | null>(
    (max, point) => (!max || point.count > max.count ? point : max),
    null,
  );

  const pastName = t('theories.dashboard.series');
  const plannedName = t('theories.dashboard.planned');
  const option = useMemo(
    () =>
      dashboardContactsOption(
        series,
        today,
        DASHBOARD_DAYS,
        language,
        colors,
        { past: pastName, planned: plannedName },
      ),
    [series, today, language, colors, pastName, plannedName],
  );

  return (
    <Card
      size="small"
      title={t('theories.dashboard.contacts')}
      extra={
        <Text type="secondary" style={{ fontSize: 12 }}>
          {t('theories.dashboard.contactsPeriod', { days: DASHBOARD_DAYS })}
        </Text>
      }
      style={{ height: '100%' }}
      data-testid="dashboard-contacts"
    >
      {series.length === 0 ? (
        <Flex align="center" justify="center" style={{ height: 132 }}>
          <Text type="secondary">{t('theories.dashboard.noContacts', { days: DASHBOARD_DAYS })}</Text>
        </Flex>
      ) : (
        <>
          <EChart
            option={option}
            height={112}
            label={t('theories.dashboard.chartLabel', {
              days: DASHBOARD_DAYS,
              total: formatCount(past + planned, language),
              max: formatCount(busiest?.count ?? 0, language),
              day: formatDate(busiest?.day, language),
            })}
          />
          <Flex gap={16} style={{ marginTop: 4, fontSize: 12 }}>
            <Text type="secondary" data-testid="dashboard-contacts-past">
              {t('theories.dashboard.contactsPast', { days: DASHBOARD_DAYS, n: formatCount(past, language) })}
            </Text>
            {planned > 0 ? (
              <Text type="secondary">{t('theories.dashboard.contactsPlanned', { n: formatCount(planned, language) })}</Text>
            ) : null}
          </Flex>
        </>
      )}
    </Card>
  );
}

/** The strip above the list: how many campaigns, which run today, their members, contacts per day. */
export function DashboardStrip() {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'ru';
  const dashboard = useDashboard();
  const data = dashboard.data;

  if (dashboard.isError)
    return (
      <ErrorAlert title={t('theories.dashboard.loadError')} error={dashboard.error} onRetry={() => void dashboard.refetch()} />
    );

  const statuses = data
    ? [
        ...EFFECTIVE_ORDER.filter((status) => data.by_effective_status[status]),
        ...Object.keys(data.by_effective_status).filter((status) => !EFFECTIVE_ORDER.includes(status)),
      ]
    : [];
  const types = data ? Object.entries(data.by_type).sort(([a], [b]) => a.localeCompare(b)) : [];
  const count = (value: number) => formatCount(value, language);

  return (
    <Row gutter={[16, 16]} data-testid="theories-dashboard">
      <Col xs={24} xl={11}>
        <Card size="small" style={{ height: '100%' }}>
          {data ? (
            <Flex vertical gap={12}>
              <Row gutter={16}>
                <Col span={8}>
                  <Statistic
                    title={t('theories.dashboard.total')}
                    value={data.total}
                    formatter={(value) => count(Number(value))}
                    styles={{ content: { fontVariantNumeric: 'tabular-nums' } }}
                    data-testid="dashboard-total"
                  />
                </Col>
                <Col span={8}>
                  <Statistic
                    title={t('theories.dashboard.activeToday')}
                    value={data.active_today}
                    formatter={(value) => count(Number(value))}
                    styles={{ content: { fontVariantNumeric: 'tabular-nums' } }}
                    data-testid="dashboard-active"
                  />
                </Col>
                <Col span={8}>
                  <Statistic
                    title={t('theories.dashboard.membersInActive')}
                    value={data.members_in_active}
                    formatter={(value) => count(Number(value))}
                    styles={{ content: { fontVariantNumeric: 'tabular-nums' } }}
                    data-testid="dashboard-members"
                  />
                </Col>
              </Row>
              <Flex wrap gap={6} align="center" data-testid="dashboard-statuses">
                {types.map(([type, n]) => (
                  <Tag key={type} color={TYPE_COLORS[type]} style={{ marginInlineEnd: 0 }}>
                    {type}: {count(n)}
                  </Tag>
                ))}
                {/* The dot parts the types from the statuses: with only one side it parts nothing. */}
                {types.length > 0 && statuses.length > 0 ? (
                  <Text type="secondary" style={{ marginInline: 4 }} data-testid="dashboard-separator">
                    ·
                  </Text>
                ) : null}
                {statuses.map((status) => (
                  <Tag
                    key={status}
                    color={STATUS_COLORS[status] ?? 'default'}
                    style={{ marginInlineEnd: 0 }}
                    data-testid={`dashboard-status-${status}`}
                  >
                    {statusName(status, t)}: {count(data.by_effective_status[status] ?? 0)}
                  </Tag>
                ))}
              </Flex>
            </Flex>
          ) : (
            <Skeleton active paragraph={{ rows: 2 }} />
          )}
        </Card>
      </Col>
      <Col xs={24} xl={13}>
        {data ? (
          <ContactsChart dashboard={data} />
        ) : (
          <Card size="small" style={{ height: '100%' }}>
            <Skeleton active paragraph={{ rows: 3 }} />
          </Card>
        )}
      </Col>
    </Row>
  );
}
