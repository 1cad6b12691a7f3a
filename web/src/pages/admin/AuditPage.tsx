import { ReloadOutlined } from '@ant-design/icons';
import { AutoComplete, Button, Card, DatePicker, Empty, Flex, Input, Select, Space, Table, Tag, Tooltip, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

import { ErrorAlert } from '../../components/ErrorAlert';
import { dateFormat, formatCount, formatTimestamp } from '../../lib/format';
import { useDebounced } from '../../lib/useDebounced';
import { auditQuery, compactJson, NO_FILTERS, OUTCOMES, useAudit, type AuditEntry, type AuditFilters, type Outcome } from './useAudit';

const { Title, Paragraph, Text } = Typography;

const OUTCOME_COLORS: Record<Outcome, string> = { success: 'success', refused: 'warning', failure: 'error' };
/** Actions offered in the filter (it matches any part of an action, so others can be typed). */
const KNOWN_ACTIONS = [
  'auth.login',
  'auth.logout',
  'auth.refresh',
  'users.create_user',
  'users.update_user',
  'users.delete_user',
  'datasets.refresh_dataset',
];
const PAGE_SIZES = [20, 50, 100, 200];
/** Typing in a filter is not a query per key: the list follows once typing pauses this long. */
const FILTER_DELAY_MS = 350;

function OutcomeTag({ outcome, label }: { outcome: Outcome; label: ReactNode }) {
  return (
    <Tag color={OUTCOME_COLORS[outcome]} style={{ marginInlineEnd: 0 }}>
      {label}
    </Tag>
  );
}

function Summary({ summary }: { summary: AuditEntry['summary'] }) {
  if (!summary || Object.keys(summary).length === 0) return <Text type="secondary">—</Text>;
  return (
    <Tooltip
      title={<pre style={{ margin: 0, fontSize: 12, whiteSpace: 'pre-wrap' }}>{JSON.stringify(summary, null, 2)}</pre>}
      placement="topLeft"
    >
      <Text code style={{ fontSize: 12, wordBreak: 'break-word' }} data-testid="audit-summary">
        {compactJson(summary)}
      </Text>
    </Tooltip>
  );
}

/** Admin → Audit log: every mutation, newest first, filtered and paged by the server. */
export function AuditPage() {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'ru';
  const [filters, setFilters] = useState<AuditFilters>(NO_FILTERS);
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(50);
  const settled = useDebounced(filters, FILTER_DELAY_MS);
  const audit = useAudit(auditQuery(settled, page, pageSize));

  const setFilter = <K extends keyof AuditFilters>(key: K, value: AuditFilters[K]) => {
    setFilters((current) => ({ ...current, [key]: value }));
    setPage(1);
  };

  const actionLabel = (action: string): string | null => {
    const key = `audit.action.${action.replaceAll('.', '_')}`;
    return i18n.exists(key) ? t(key) : null;
  };

  const actionOptions = useMemo(
    () =>
      KNOWN_ACTIONS.map((action) => ({
        value: action,
        label: (
          <Flex justify="space-between" gap={12}>
            <span>{t(`audit.action.${action.replace('.', '_')}`)}</span>
            <Text type="secondary" style={{ fontFamily: 'monospace', fontSize: 12 }}>
              {action}
            </Text>
          </Flex>
        ),
      })),
    [t],
  );

  const columns: TableColumnsType<AuditEntry> = [
    {
      title: t('audit.col.time'),
      dataIndex: 'occurred_at',
      key: 'occurred_at',
      width: 170,
      render: (iso: string) => (
        <Tooltip title={iso}>
          <span style={{ whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' }}>{formatTimestamp(iso, language) ?? iso}</span>
        </Tooltip>
      ),
    },
    {
      title: t('audit.col.username'),
      dataIndex: 'username',
      key: 'username',
      width: 130,
      ellipsis: true,
      render: (username: string | null) =>
        username ? (
          <Text style={{ fontFamily: 'monospace' }}>{username}</Text>
        ) : (
          <Text type="secondary">{t('audit.anonymous')}</Text>
        ),
    },
    {
      title: t('audit.col.action'),
      dataIndex: 'action',
      key: 'action',
      width: 200,
      render: (action: string) => {
        const label = actionLabel(action);
        return (
          <Flex vertical data-testid="audit-action" data-action={action}>
            {label ? <Text>{label}</Text> : null}
            <Text type="secondary" style={{ fontFamily: 'monospace', fontSize: 12 }}>
              {action}
            </Text>
          </Flex>
        );
      },
    },
    {
      title: t('audit.col.target'),
      dataIndex: 'target',
      key: 'target',
      width: 190,
      render: (target: string | null) =>
        target ? (
          // Long targets (`username=…`) may break after '=' first, anywhere only if they must.
          <Text style={{ fontFamily: 'monospace', fontSize: 13, overflowWrap: 'anywhere' }}>
            {target.split('=').flatMap((part, i) => (i === 0 ? [part] : ['=', <wbr key={i} />, part]))}
          </Text>
        ) : (
          <Text type="secondary">—</Text>
        ),
    },
    {
      title: t('audit.col.outcome'),
      dataIndex: 'outcome',
      key: 'outcome',
      width: 120,
      render: (outcome: string, entry) => {
        const known = (OUTCOMES as string[]).includes(outcome) ? (outcome as Outcome) : null;
        return (
          <Space size={4}>
            <Tag color={known ? OUTCOME_COLORS[known] : 'default'} data-outcome={outcome} style={{ marginInlineEnd: 0 }}>
              {known ? t(`audit.outcome.${known}`) : outcome}
            </Tag>
            {entry.status_code ? (
              <Text type="secondary" style={{ fontSize: 12 }}>
                {entry.status_code}
              </Text>
            ) : null}
          </Space>
        );
      },
    },
    {
      title: t('audit.col.clientIp'),
      dataIndex: 'client_ip',
      key: 'client_ip',
      width: 110,
      ellipsis: true,
      render: (ip: string | null) => ip ?? <Text type="secondary">—</Text>,
    },
    {
      title: t('audit.col.summary'),
      dataIndex: 'summary',
      key: 'summary',
      render: (summary: AuditEntry['summary']) => <Summary summary={summary} />,
    },
  ];

  const filtered = JSON.stringify(filters) !== JSON.stringify(NO_FILTERS);

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <div>
        <Title level={3} style={{ marginTop: 0 }}>
          {t('audit.title')}
        </Title>
        <Paragraph type="secondary" style={{ marginBottom: 0 }}>
          {t('audit.intro')}
        </Paragraph>
      </div>

      <Card size="small">
        <Flex wrap gap={12} align="center" data-testid="audit-filters">
          <Input
            allowClear
            placeholder={t('audit.filter.username')}
            aria-label={t('audit.filter.username')}
            value={filters.username}
            onChange={(event) => setFilter('username', event.target.value)}
            style={{ width: 160 }}
          />
          <AutoComplete
            allowClear
            placeholder={t('audit.filter.action')}
            aria-label={t('audit.filter.action')}
            value={filters.action}
            options={actionOptions}
            onChange={(value: string | undefined) => setFilter('action', value ?? '')}
            filterOption={(input, option) =>
              Boolean(
                option?.value?.toString().toLowerCase().includes(input.toLowerCase()) ||
                  t(`audit.action.${String(option?.value).replace('.', '_')}`).toLowerCase().includes(input.toLowerCase()),
              )
            }
            popupMatchSelectWidth={320}
            style={{ width: 190 }}
          />
          <Input
            allowClear
            placeholder={t('audit.col.target')}
            aria-label={t('audit.col.target')}
            value={filters.target}
            onChange={(event) => setFilter('target', event.target.value)}
            style={{ width: 160 }}
          />
          <Select<Outcome>
            allowClear
            placeholder={t('audit.filter.anyOutcome')}
            aria-label={t('audit.filter.outcome')}
            value={filters.outcome}
            onChange={(value) => setFilter('outcome', value ?? undefined)}
            options={OUTCOMES.map((outcome) => ({ value: outcome, label: t(`audit.outcome.${outcome}`) }))}
            optionRender={({ value, label }) => <OutcomeTag outcome={value as Outcome} label={label} />}
            labelRender={({ value, label }) => <OutcomeTag outcome={value as Outcome} label={label} />}
            style={{ width: 160 }}
          />
          <DatePicker.RangePicker
            allowEmpty={[true, true]}
            placeholder={[t('audit.filter.from'), t('audit.filter.to')]}
            aria-label={t('audit.filter.period')}
            value={filters.range}
            onChange={(range) => setFilter('range', range)}
            format={dateFormat(language)}
            style={{ width: 240 }}
          />
          <Button
            onClick={() => {
              setFilters(NO_FILTERS);
              setPage(1);
            }}
            disabled={!filtered}
            type="link"
            style={{ paddingInline: 4 }}
          >
            {t('audit.reset')}
          </Button>
          <div style={{ flex: 1 }} />
          <Tooltip title={t('audit.refresh')}>
            <Button
              icon={<ReloadOutlined />}
              aria-label={t('audit.refresh')}
              loading={audit.isFetching}
              onClick={() => void audit.refetch()}
            />
          </Tooltip>
        </Flex>
      </Card>

      {audit.isError ? (
        <ErrorAlert title={t('audit.loadError')} error={audit.error} onRetry={() => void audit.refetch()} />
      ) : null}

      <Card size="small" styles={{ body: { padding: 0 } }}>
        <Table<AuditEntry>
          rowKey="id"
          size="small"
          columns={columns}
          dataSource={audit.data?.items ?? []}
          loading={audit.isPending || (audit.isFetching && audit.isPlaceholderData)}
          locale={{ emptyText: audit.isError ? ' ' : <Empty description={t('audit.empty')} /> }}
          pagination={{
            current: page,
            pageSize,
            total: audit.data?.total ?? 0,
            showSizeChanger: true,
            style: { marginInline: 16 },
            pageSizeOptions: PAGE_SIZES,
            showTotal: (total) => t('audit.total', { total: formatCount(total, language) }),
            onChange: (nextPage, nextSize) => {
              setPage(nextSize === pageSize ? nextPage : 1);
              setPageSize(nextSize);
            },
          }}
          tableLayout="fixed"
          scroll={{ x: 1100 }}
        />
      </Card>
    </Space>
  );
}
