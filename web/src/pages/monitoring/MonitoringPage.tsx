import { ReloadOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Button, Card, Col, Empty, Flex, Input, Row, Segmented, Select, Space, Statistic, Switch, Table, Tag, Tooltip, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useMemo, useState, type HTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';

import { EChart } from '../../components/EChart';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatCount, formatPercent, formatShortDay, formatTimestamp } from '../../lib/format';
import { useDebounced } from '../../lib/useDebounced';
import {
  formatMs,
  JOB_STATUSES,
  useDaily,
  useJobs,
  useQueryKinds,
  useRouteStats,
  useSlowQueries,
  useTiles,
  type DailyPoint,
  type DependencyCheck,
  type JobRow,
  type JobStatus,
  type QueryRow,
  type RouteStats,
} from './useMonitoring';

const { Title, Paragraph, Text } = Typography;

const CHECK_COLORS: Record<DependencyCheck['status'], string> = { ok: 'success', warn: 'warning', down: 'error' };
const JOB_COLORS: Record<JobStatus, string> = { queued: 'default', running: 'processing', succeeded: 'success', failed: 'error' };
const CHANNEL_COLORS: Record<string, string> = { push: '#1677ff', popup: '#722ed1', sms: '#13c2c2' };
const DAY_CHOICES = [7, 30, 90];

function useUnits() {
  const { t } = useTranslation();
  return { ms: t('monitoring.ms'), s: t('monitoring.s') };
}

function HealthTiles({ checks }: { checks: DependencyCheck[] }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'ru';
  const units = useUnits();
  return (
    <Card size="small" title={t('monitoring.health.title')}>
      <Flex wrap gap={8}>
        {checks.map((check) => (
          <Tooltip key={check.name} title={check.detail ?? undefined}>
            <Tag
              color={CHECK_COLORS[check.status]}
              data-testid={`health-check-${check.name}`}
              data-status={check.status}
              style={{ padding: '4px 10px', fontSize: 13 }}
            >
              <strong>{t(`monitoring.health.name.${check.name}`)}</strong>: {t(`monitoring.health.status.${check.status}`)} ·{' '}
              {formatMs(check.latency_ms, language, units)}
              {check.name === 'disk' && typeof check.params?.free_mb === 'number'
                ? ` · ${t('monitoring.health.freeDisk', { free: formatCount(check.params.free_mb as number, language) })}`
                : null}
            </Tag>
          </Tooltip>
        ))}
      </Flex>
    </Card>
  );
}

function DailyCharts({ items, channels, days }: { items: DailyPoint[]; channels: string[]; days: number }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'ru';
  const labels = items.map((item) => formatShortDay(item.day, language));
  const activity = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 40, right: 16, top: 32, bottom: 24 },
      xAxis: { type: 'category', data: labels },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        { name: t('monitoring.daily.campaigns'), type: 'bar', data: items.map((i) => i.campaigns_deployed) },
        { name: t('monitoring.daily.uploads'), type: 'bar', data: items.map((i) => i.uploads) },
        { name: t('monitoring.daily.activeUsers'), type: 'bar', data: items.map((i) => i.active_users) },
      ],
    }),
    [items, labels, t],
  );
  const contacts = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 56, right: 16, top: 32, bottom: 24 },
      xAxis: { type: 'category', data: labels },
      yAxis: { type: 'value', minInterval: 1 },
      series: channels.map((channel) => ({
        name: channel,
        type: 'bar',
        stack: 'contacts',
        itemStyle: { color: CHANNEL_COLORS[channel] },
        data: items.map((i) => i.contacts[channel] ?? 0),
      })),
    }),
    [channels, items, labels],
  );
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} xl={12}>
        <Card size="small" title={t('monitoring.daily.activity')}>
          <EChart option={activity} height={240} label={t('monitoring.daily.chartLabel', { name: t('monitoring.daily.activity'), days })} />
        </Card>
      </Col>
      <Col xs={24} xl={12}>
        <Card size="small" title={t('monitoring.daily.contacts')}>
          {channels.length ? (
            <EChart option={contacts} height={240} label={t('monitoring.daily.chartLabel', { name: t('monitoring.daily.contacts'), days })} />
          ) : (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />
          )}
        </Card>
      </Col>
    </Row>
  );
}

function RoutesTable({ auto }: { auto: boolean }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'ru';
  const units = useUnits();
  const [hours, setHours] = useState(24);
  const routes = useRouteStats(hours, auto);
  const columns: TableColumnsType<RouteStats> = [
    {
      title: t('monitoring.routes.col.route'),
      key: 'route',
      render: (_, row) => (
        <Text style={{ fontFamily: 'monospace', fontSize: 12 }}>
          {row.method} {row.route}
        </Text>
      ),
    },
    { title: t('monitoring.routes.col.requests'), dataIndex: 'requests', align: 'right', width: 100, render: (v: number) => formatCount(v, language), sorter: (a, b) => a.requests - b.requests },
    {
      title: t('monitoring.routes.col.errorRate'),
      dataIndex: 'error_rate',
      align: 'right',
      width: 90,
      render: (v: number) => <Text type={v > 0 ? 'danger' : undefined}>{formatPercent(v, language)}</Text>,
      sorter: (a, b) => a.error_rate - b.error_rate,
    },
    { title: t('monitoring.routes.col.p50'), dataIndex: 'p50_ms', align: 'right', width: 90, render: (v: number) => formatMs(v, language, units), sorter: (a, b) => a.p50_ms - b.p50_ms },
    { title: t('monitoring.routes.col.p95'), dataIndex: 'p95_ms', align: 'right', width: 90, render: (v: number) => formatMs(v, language, units), sorter: (a, b) => a.p95_ms - b.p95_ms, defaultSortOrder: 'descend' },
    { title: t('monitoring.routes.col.max'), dataIndex: 'max_ms', align: 'right', width: 90, render: (v: number) => formatMs(v, language, units), sorter: (a, b) => a.max_ms - b.max_ms },
  ];
  return (
    <Card
      size="small"
      title={t('monitoring.routes.title')}
      extra={
        <Segmented
          size="small"
          value={hours}
          onChange={(v) => setHours(Number(v))}
          options={[1, 24, 168].map((h) => ({ value: h, label: t('monitoring.routes.hours', { count: h }) }))}
        />
      }
    >
      {routes.error ? <ErrorAlert title={t('monitoring.loadError')} error={routes.error} /> : null}
      <Table
        data-testid="monitoring-routes"
        size="small"
        rowKey={(row) => `${row.method} ${row.route}`}
        columns={columns}
        dataSource={routes.data?.items ?? []}
        loading={routes.isLoading}
        pagination={{ pageSize: 10, hideOnSinglePage: true, showSizeChanger: false }}
        locale={{ emptyText: t('monitoring.routes.empty') }}
      />
    </Card>
  );
}

function QueriesTable({ auto }: { auto: boolean }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'ru';
  const units = useUnits();
  const [days, setDays] = useState(1);
  const [kind, setKind] = useState<string | undefined>(undefined);
  const queries = useSlowQueries(days, kind, auto);
  const kinds = useQueryKinds();
  const kindLabel = (value: string) => {
    const key = `monitoring.queries.kinds.${value}`;
    return i18n.exists(key) ? t(key) : value;
  };
  const columns: TableColumnsType<QueryRow> = [
    { title: t('monitoring.queries.col.time'), dataIndex: 'occurred_at', width: 170, render: (iso: string) => formatTimestamp(iso, language) ?? iso },
    {
      title: t('monitoring.queries.col.kind'),
      dataIndex: 'kind',
      render: (value: string, row) => (
        <Space size={4}>
          <span>{kindLabel(value)}</span>
          {row.ok ? null : <Tag color="error">{t('monitoring.queries.failed')}</Tag>}
        </Space>
      ),
    },
    { title: t('monitoring.queries.col.user'), dataIndex: 'username', width: 130, render: (v: string | null) => <Text style={{ fontFamily: 'monospace' }}>{v ?? '—'}</Text> },
    { title: t('monitoring.queries.col.duration'), dataIndex: 'duration_ms', align: 'right', width: 110, render: (v: number) => <strong>{formatMs(v, language, units)}</strong> },
    { title: t('monitoring.queries.col.rows'), dataIndex: 'rows', align: 'right', width: 100, render: (v: number | null) => (v === null ? '—' : formatCount(v, language)) },
    { title: t('monitoring.queries.col.detail'), dataIndex: 'detail', width: 140, render: (v: string | null) => <Text style={{ fontFamily: 'monospace' }}>{v ?? '—'}</Text> },
  ];
  return (
    <Card
      size="small"
      title={t('monitoring.queries.title')}
      extra={
        <Space wrap>
          <Select
            size="small"
            allowClear
            style={{ minWidth: 200 }}
            placeholder={t('monitoring.queries.allKinds')}
            aria-label={t('monitoring.queries.kind')}
            value={kind}
            onChange={setKind}
            options={(kinds.data ?? []).map((value) => ({ value, label: kindLabel(value) }))}
          />
          <Segmented size="small" value={days} onChange={(v) => setDays(Number(v))} options={[1, 7, 30].map((d) => ({ value: d, label: t('monitoring.daily.days', { count: d }) }))} />
        </Space>
      }
    >
      {queries.error ? <ErrorAlert title={t('monitoring.loadError')} error={queries.error} /> : null}
      <Table
        data-testid="monitoring-queries"
        size="small"
        rowKey={(row) => `${row.occurred_at}-${row.kind}-${row.duration_ms}-${row.detail ?? ''}`}
        onRow={(row) => ({ 'data-kind': row.kind, 'data-detail': row.detail ?? '' }) as HTMLAttributes<HTMLElement>}
        columns={columns}
        dataSource={queries.data ?? []}
        loading={queries.isLoading}
        pagination={{ pageSize: 10, hideOnSinglePage: true, showSizeChanger: false }}
        locale={{ emptyText: t('monitoring.queries.empty') }}
      />
    </Card>
  );
}

function JobsTable({ auto }: { auto: boolean }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'ru';
  const units = useUnits();
  const [kind, setKind] = useState<string | undefined>(undefined);
  const [status, setStatus] = useState<JobStatus | undefined>(undefined);
  const [owner, setOwner] = useState('');
  const [page, setPage] = useState(1);
  const settledOwner = useDebounced(owner, 350);
  const pageSize = 10;
  const jobs = useJobs({ kind, status, owner: settledOwner.trim() || undefined, limit: pageSize, offset: (page - 1) * pageSize }, auto);
  const columns: TableColumnsType<JobRow> = [
    { title: t('monitoring.jobs.col.created'), dataIndex: 'created_at', width: 170, render: (iso: string) => formatTimestamp(iso, language) ?? iso },
    { title: t('monitoring.jobs.col.kind'), dataIndex: 'kind', render: (v: string) => <Text style={{ fontFamily: 'monospace' }}>{v}</Text> },
    {
      title: t('monitoring.jobs.col.status'),
      dataIndex: 'status',
      width: 120,
      render: (v: JobStatus) => <Tag color={JOB_COLORS[v] ?? 'default'}>{t(`monitoring.jobs.statuses.${v}`)}</Tag>,
    },
    { title: t('monitoring.jobs.col.owner'), dataIndex: 'owner', width: 120, render: (v: string | null) => v ?? '—' },
    { title: t('monitoring.jobs.col.seconds'), dataIndex: 'seconds', align: 'right', width: 130, render: (v: number | null) => (v === null ? '—' : formatMs(v * 1000, language, units)) },
    { title: t('monitoring.jobs.col.error'), dataIndex: 'error', ellipsis: true, render: (v: string | null) => (v ? <Text type="danger">{v}</Text> : '—') },
  ];
  return (
    <Card
      size="small"
      title={t('monitoring.jobs.title')}
      extra={
        <Space wrap>
          <Select
            size="small"
            allowClear
            style={{ minWidth: 170 }}
            placeholder={t('monitoring.jobs.kind')}
            aria-label={t('monitoring.jobs.kind')}
            value={kind}
            onChange={(v) => {
              setKind(v);
              setPage(1);
            }}
            options={(jobs.data?.kinds ?? []).map((value) => ({ value, label: value }))}
          />
          <Select
            size="small"
            allowClear
            style={{ minWidth: 140 }}
            placeholder={t('monitoring.jobs.status')}
            aria-label={t('monitoring.jobs.status')}
            value={status}
            onChange={(v) => {
              setStatus(v);
              setPage(1);
            }}
            options={JOB_STATUSES.map((value) => ({ value, label: t(`monitoring.jobs.statuses.${value}`) }))}
          />
          <Input
            size="small"
            allowClear
            style={{ width: 150 }}
            placeholder={t('monitoring.jobs.owner')}
            aria-label={t('monitoring.jobs.owner')}
            value={owner}
            onChange={(e) => {
              setOwner(e.target.value);
              setPage(1);
            }}
          />
        </Space>
      }
    >
      {jobs.error ? <ErrorAlert title={t('monitoring.loadError')} error={jobs.error} /> : null}
      <Table
        data-testid="monitoring-jobs"
        size="small"
        rowKey="id"
        columns={columns}
        dataSource={jobs.data?.items ?? []}
        loading={jobs.isLoading}
        pagination={{ current: page, pageSize, total: jobs.data?.total ?? 0, onChange: setPage, hideOnSinglePage: true, showSizeChanger: false }}
        locale={{ emptyText: t('monitoring.jobs.empty') }}
      />
    </Card>
  );
}

/** Monitoring: is the system healthy, what is slow, what ran; refreshes itself every 30 s. */
export function MonitoringPage() {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'ru';
  const units = useUnits();
  const [auto, setAuto] = useState(true);
  const [days, setDays] = useState(30);
  const tiles = useTiles(auto);
  const daily = useDaily(days, auto);
  const data = tiles.data;

  const queryClient = useQueryClient();
  const refetchAll = () => void queryClient.invalidateQueries({ queryKey: ['monitoring'] });

  const stat = (testId: string, title: string, value: string) => (
    <Col xs={12} md={8} xl={6} xxl={3}>
      <Card size="small">
        <Statistic title={title} value={value} valueRender={() => <span data-testid={testId}>{value}</span>} />
      </Card>
    </Col>
  );

  return (
    <Flex vertical gap={16}>
      <Flex justify="space-between" align="start" wrap gap={12}>
        <div>
          <Title level={3} style={{ marginTop: 0 }}>
            {t('monitoring.title')}
          </Title>
          <Paragraph type="secondary" style={{ marginBottom: 0 }}>
            {t('monitoring.intro')}
          </Paragraph>
        </div>
        <Space>
          {data ? <Text type="secondary">{t('monitoring.updatedAt', { time: formatTimestamp(data.generated_at, language) })}</Text> : null}
          <Switch checked={auto} onChange={setAuto} aria-label={t('monitoring.autoRefresh')} data-testid="monitoring-auto" />
          <Text>{t('monitoring.autoRefresh')}</Text>
          <Button icon={<ReloadOutlined />} onClick={refetchAll} loading={tiles.isFetching} data-testid="monitoring-refresh">
            {t('monitoring.refresh')}
          </Button>
        </Space>
      </Flex>
      {tiles.error ? <ErrorAlert title={t('monitoring.loadError')} error={tiles.error} onRetry={refetchAll} /> : null}
      {data ? (
        <>
          <HealthTiles checks={data.health.checks ?? []} />
          <Row gutter={[12, 12]}>
            {stat('tile-requests', t('monitoring.tile.requests'), formatCount(data.requests_24h, language))}
            {stat('tile-error-rate', t('monitoring.tile.errorRate'), formatPercent(data.error_rate_24h, language, 2))}
            {stat('tile-p95', t('monitoring.tile.p95'), formatMs(data.p95_ms_24h, language, units))}
            {stat('tile-jobs', t('monitoring.tile.jobs'), `${formatCount(data.jobs_running, language)} / ${formatCount(data.jobs_queued, language)}`)}
            {stat('tile-failed-jobs', t('monitoring.tile.failedJobs'), formatCount(data.jobs_failed_24h, language))}
            {stat('tile-slow-queries', t('monitoring.tile.slowQueries'), formatCount(data.slow_queries_24h, language))}
            {stat('tile-deployed-today', t('monitoring.tile.deployedToday'), formatCount(data.campaigns_deployed_today, language))}
            {stat('tile-active-today', t('monitoring.tile.activeToday'), formatCount(data.active_users_today, language))}
          </Row>
        </>
      ) : null}
      <Flex justify="space-between" align="center">
        <Title level={5} style={{ margin: 0 }}>
          {t('monitoring.daily.title')}
        </Title>
        <Segmented size="small" value={days} onChange={(v) => setDays(Number(v))} options={DAY_CHOICES.map((d) => ({ value: d, label: t('monitoring.daily.days', { count: d }) }))} />
      </Flex>
      {daily.error ? <ErrorAlert title={t('monitoring.loadError')} error={daily.error} /> : null}
      {daily.data ? <DailyCharts items={daily.data.items} channels={daily.data.channels} days={days} /> : null}
      <QueriesTable auto={auto} />
      <RoutesTable auto={auto} />
      <JobsTable auto={auto} />
    </Flex>
  );
}
