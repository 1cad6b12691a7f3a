import { PlusOutlined, ReloadOutlined, SearchOutlined } from '@ant-design/icons';
import { Button, Card, DatePicker, Empty, Flex, Grid, Input, Select, Space, Table, Tag, Tooltip, Typography } from 'antd';
import type { Breakpoint, TableColumnsType, TableProps } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';

import { RoleButton } from '../../../auth/RoleButton';
import { useCurrentUser } from '../../../auth/useSession';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { dateFormat, formatCount, formatDate, formatDateTime } from '../../../lib/format';
import { useCampaignList, useDashboard, useStreams, type CampaignSummary, type CampaignType, type EffectiveStatus } from './api';
import { DashboardStrip } from './DashboardStrip';
import {
  CAMPAIGN_TYPES,
  filtersFromParams,
  isFiltered,
  listQuery,
  NO_FILTERS,
  PAGE_SIZES,
  paramsFromFilters,
  sortState,
  STATUSES,
  withFilters,
  type SortField,
  type TheoryFilters,
} from './filters';
import { channelName, statusName, TYPE_COLORS } from './status';
import { StatusTag } from './StatusTag';

const { Title, Paragraph, Text } = Typography;

/**
 * The columns only wide screens have room for (the content is about 1150 px wide at 1440 px, all
 * the columns need about 1420): below xxl (1600 px) they are left out — the owner has its filter.
 */
const WIDE_ONLY: Breakpoint[] = ['xxl'];

/** Typing in the search is not a query per key: the address follows once typing pauses this long. */
const SEARCH_DELAY_MS = 350;

/**
 * The view in the address: read it, and change it from the current address (so that a change
 * made later, e.g. after a pause in typing, does not undo one made meanwhile). `replace` changes
 * the history entry in place (typing) instead of adding one.
 */
function useFiltersInUrl() {
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => filtersFromParams(params), [params]);
  const updateFilters = useCallback(
    (update: (current: TheoryFilters) => TheoryFilters, replace = false) =>
      setParams((current) => paramsFromFilters(update(filtersFromParams(current))), { replace }),
    [setParams],
  );
  return [filters, updateFilters] as const;
}

/** Active Theories: the campaigns — a summary strip, filters kept in the address, the table. */
export function TheoriesPage() {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'ru';
  const navigate = useNavigate();
  const me = useCurrentUser();
  const [filters, updateFilters] = useFiltersInUrl();
  const list = useCampaignList(listQuery(filters));
  const streams = useStreams();
  // The owners come from the dashboard's counts: every owner of a campaign, and no users list
  // (an admin-only call) needed.
  const dashboard = useDashboard();
  const screens = Grid.useBreakpoint();

  // The search box types freely; the address follows once typing pauses. When the address
  // changes otherwise (back button, a link, reset), the box shows its text.
  const [search, setSearch] = useState(filters.q);
  const [shownQ, setShownQ] = useState(filters.q);
  if (filters.q !== shownQ) {
    setShownQ(filters.q);
    if (filters.q !== search.trim()) setSearch(filters.q);
  }
  const searchTimer = useRef<{ id?: number }>({});
  useEffect(() => {
    const timer = searchTimer.current;
    return () => window.clearTimeout(timer.id);
  }, []);
  // The search lands after a pause: by then other filters may have changed the address, so it
  // goes through the latest updater (each one sees the address of its own render).
  const latestUpdate = useRef(updateFilters);
  useEffect(() => {
    latestUpdate.current = updateFilters;
  }, [updateFilters]);
  const applySearch = (text: string) => {
    window.clearTimeout(searchTimer.current.id);
    latestUpdate.current(
      (current) => (current.q === text.trim() ? current : withFilters(current, { q: text.trim() })),
      true,
    );
  };
  const onSearch = (text: string) => {
    setSearch(text);
    window.clearTimeout(searchTimer.current.id);
    searchTimer.current.id = window.setTimeout(() => applySearch(text), SEARCH_DELAY_MS);
  };

  const change = (update: Partial<TheoryFilters>) => updateFilters((current) => withFilters(current, update));

  const streamName = useCallback(
    (code: string) => streams.data?.find((stream) => stream.code === code)?.name_ru ?? code,
    [streams.data],
  );

  const streamOptions = useMemo(() => {
    const all = streams.data ?? [];
    return CAMPAIGN_TYPES.filter((type) => !filters.type || filters.type === type)
      .map((type) => ({
        label: type,
        title: type,
        options: all
          .filter((stream) => stream.campaign_type === type)
          .map((stream) => ({ value: stream.code, label: `${stream.name_ru} (${stream.code})` })),
      }))
      .filter((group) => group.options.length > 0);
  }, [streams.data, filters.type]);

  const ownerOptions = useMemo(() => {
    const owners = new Set(Object.keys(dashboard.data?.by_owner ?? {}));
    if (me) owners.add(me.username);
    if (filters.owner) owners.add(filters.owner);
    return Array.from(owners)
      .sort((a, b) => (a === me?.username ? -1 : b === me?.username ? 1 : a.localeCompare(b)))
      .map((owner) => ({ value: owner, label: owner === me?.username ? `${owner} (${t('theories.you')})` : owner }));
  }, [dashboard.data, me, filters.owner, t]);

  const sort = sortState(filters.sort);
  const sortOrderOf = (field: SortField) => (sort.field === field ? sort.order : null);

  const columns: TableColumnsType<CampaignSummary> = [
    {
      title: t('theories.col.code'),
      dataIndex: 'code',
      key: 'code',
      width: 120,
      sorter: true,
      sortOrder: sortOrderOf('code'),
      render: (code: string, campaign) => (
        <Flex vertical>
          <Link to={`/campaigns/${encodeURIComponent(code)}`} style={{ fontFamily: 'monospace' }} data-testid="campaign-link">
            {code}
          </Link>
          {campaign.xls_ow_id ? (
            <Text type="secondary" style={{ fontFamily: 'monospace', fontSize: 12 }}>
              {campaign.xls_ow_id}
            </Text>
          ) : null}
        </Flex>
      ),
    },
    {
      title: t('theories.col.name'),
      dataIndex: 'name',
      key: 'name',
      width: 240,
      sorter: true,
      sortOrder: sortOrderOf('name'),
      render: (name: string, campaign) => (
        <Flex vertical style={{ minWidth: 0 }}>
          <Text ellipsis={{ tooltip: name }} strong>
            {name}
          </Text>
          {campaign.description ? (
            <Text type="secondary" ellipsis={{ tooltip: campaign.description }} style={{ fontSize: 12 }}>
              {campaign.description}
            </Text>
          ) : null}
        </Flex>
      ),
    },
    {
      title: t('theories.col.type'),
      dataIndex: 'type',
      key: 'type',
      width: 64,
      render: (type: CampaignType) => (
        <Tooltip title={t(`theories.type.${type}`)}>
          <Tag color={TYPE_COLORS[type]} style={{ marginInlineEnd: 0 }}>
            {type}
          </Tag>
        </Tooltip>
      ),
    },
    {
      title: t('theories.col.stream'),
      dataIndex: 'stream',
      key: 'stream',
      width: 120,
      ellipsis: { showTitle: false },
      render: (stream: string) => (
        <Tooltip title={stream}>
          <span>{streamName(stream)}</span>
        </Tooltip>
      ),
    },
    {
      title: t('theories.col.channels'),
      dataIndex: 'channels',
      key: 'channels',
      width: 120,
      render: (channels: string[]) => (
        <Flex wrap gap={4}>
          {channels.map((channel) => (
            <Tag key={channel} style={{ marginInlineEnd: 0 }}>
              {channelName(channel, t)}
            </Tag>
          ))}
        </Flex>
      ),
    },
    {
      title: t('theories.col.status'),
      dataIndex: 'effective_status',
      key: 'status',
      width: 130,
      render: (_status: string, campaign) => <StatusTag campaign={campaign} />,
    },
    {
      title: t('theories.col.period'),
      dataIndex: 'start_date',
      key: 'start_date',
      width: 200,
      sorter: true,
      sortOrder: sortOrderOf('start_date'),
      render: (start: string, campaign) => (
        <span style={{ whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' }}>
          {formatDate(start, language)} – {formatDate(campaign.end_date, language)}
        </span>
      ),
    },
    {
      title: t('theories.col.owner'),
      dataIndex: 'owner',
      key: 'owner',
      width: 110,
      responsive: WIDE_ONLY,
      ellipsis: true,
      render: (owner: string) => <Text style={{ fontFamily: 'monospace', fontSize: 13 }}>{owner}</Text>,
    },
    {
      title: t('theories.col.members'),
      dataIndex: 'target_count',
      key: 'target_count',
      width: 140,
      align: 'right',
      sorter: true,
      sortOrder: sortOrderOf('target_count'),
      render: (target: number, campaign) => (
        <span style={{ whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' }} data-testid="campaign-members">
          {formatCount(target, language)} / <Text type="secondary">{formatCount(campaign.control_count, language)}</Text>
        </span>
      ),
    },
    {
      title: t('theories.col.created'),
      dataIndex: 'created_at',
      key: 'created_at',
      width: 150,
      responsive: WIDE_ONLY,
      sorter: true,
      sortOrder: sortOrderOf('created_at'),
      render: (iso: string) => <span style={{ whiteSpace: 'nowrap' }}>{formatDateTime(iso, language) ?? '—'}</span>,
    },
  ];

  // The table is as wide as its shown columns (antd leaves out the same ones): wider than its room
  // it scrolls, narrower it stretches them to fill it.
  const scrollX = columns
    .filter((column) => !column.responsive || column.responsive.some((breakpoint) => screens[breakpoint]))
    .reduce((sum, column) => sum + (typeof column.width === 'number' ? column.width : 0), 0);

  const onTableChange: TableProps<CampaignSummary>['onChange'] = (pagination, _tableFilters, sorter) => {
    const single = Array.isArray(sorter) ? sorter[0] : sorter;
    const field = single?.order ? String(single.columnKey ?? single.field ?? '') : '';
    const nextSort = field ? `${single?.order === 'descend' ? '-' : ''}${field}` : NO_FILTERS.sort;
    const size = pagination.pageSize ?? filters.size;
    const page = pagination.current ?? 1;
    updateFilters((current) =>
      nextSort !== current.sort || size !== current.size
        ? { ...current, sort: nextSort, size, page: 1 }
        : { ...current, page },
    );
  };

  const range: [Dayjs | null, Dayjs | null] | null =
    filters.from || filters.to ? [filters.from ? dayjs(filters.from) : null, filters.to ? dayjs(filters.to) : null] : null;
  const items = list.data?.items ?? [];
  const filtered = isFiltered(filters);

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Flex justify="space-between" align="flex-start" gap={16} wrap>
        <div style={{ flex: '1 1 420px' }}>
          <Title level={3} style={{ marginTop: 0 }}>
            {t('theories.title')}
          </Title>
          <Paragraph type="secondary" style={{ marginBottom: 0 }}>
            {t('theories.intro')}
          </Paragraph>
        </div>
        <RoleButton minRole="analyst" type="primary" icon={<PlusOutlined />} onClick={() => void navigate('/campaigns/new')}>
          {t('theories.newCampaign')}
        </RoleButton>
      </Flex>

      <DashboardStrip />

      <Card size="small">
        <Flex wrap gap={12} align="center" data-testid="theories-filters">
          <Input
            allowClear
            prefix={<SearchOutlined />}
            placeholder={t('theories.filters.search')}
            aria-label={t('theories.filters.search')}
            value={search}
            onChange={(event) => onSearch(event.target.value)}
            onPressEnter={() => applySearch(search)}
            style={{ width: 260 }}
            data-testid="theories-search"
          />
          <Select<CampaignType>
            allowClear
            placeholder={t('theories.filters.type')}
            aria-label={t('theories.filters.type')}
            value={filters.type ?? undefined}
            onChange={(type) => {
              const stream = streams.data?.find((s) => s.code === filters.stream);
              // A stream of the other type would leave the list empty for no visible reason.
              change({ type: type ?? null, stream: type && stream && stream.campaign_type !== type ? null : filters.stream });
            }}
            options={CAMPAIGN_TYPES.map((type) => ({ value: type, label: t(`theories.type.${type}`) }))}
            style={{ width: 170 }}
            data-testid="filter-type"
          />
          <Select<string>
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={t('theories.filters.stream')}
            aria-label={t('theories.filters.stream')}
            value={filters.stream ?? undefined}
            onChange={(stream) => change({ stream: stream ?? null })}
            options={streamOptions}
            loading={streams.isPending}
            popupMatchSelectWidth={280}
            style={{ width: 190 }}
            data-testid="filter-stream"
          />
          <Select<EffectiveStatus[]>
            mode="multiple"
            allowClear
            maxTagCount={2}
            placeholder={t('theories.filters.status')}
            aria-label={t('theories.filters.status')}
            value={filters.status}
            onChange={(status) => change({ status: STATUSES.filter((s) => status.includes(s)) })}
            options={STATUSES.map((status) => ({ value: status, label: statusName(status, t) }))}
            style={{ width: 220 }}
            data-testid="filter-status"
          />
          <Select<string>
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={t('theories.filters.owner')}
            aria-label={t('theories.filters.owner')}
            value={filters.owner ?? undefined}
            onChange={(owner) => change({ owner: owner ?? null })}
            options={ownerOptions}
            style={{ width: 170 }}
            data-testid="filter-owner"
          />
          <DatePicker.RangePicker
            allowEmpty={[true, true]}
            placeholder={[t('theories.filters.from'), t('theories.filters.to')]}
            aria-label={t('theories.filters.period')}
            value={range}
            onChange={(dates) =>
              change({
                from: dates?.[0] ? dates[0].format('YYYY-MM-DD') : null,
                to: dates?.[1] ? dates[1].format('YYYY-MM-DD') : null,
              })
            }
            format={dateFormat(language)}
            style={{ width: 250 }}
            data-testid="filter-period"
          />
          <Button
            type="link"
            disabled={!filtered}
            onClick={() => {
              window.clearTimeout(searchTimer.current.id);
              setSearch('');
              updateFilters((current) => ({ ...NO_FILTERS, sort: current.sort, size: current.size }));
            }}
            style={{ paddingInline: 4 }}
            data-testid="filters-reset"
          >
            {t('theories.filters.reset')}
          </Button>
          <div style={{ flex: 1 }} />
          <Tooltip title={t('theories.filters.refresh')}>
            <Button
              icon={<ReloadOutlined />}
              aria-label={t('theories.filters.refresh')}
              loading={list.isFetching}
              onClick={() => void list.refetch()}
            />
          </Tooltip>
        </Flex>
      </Card>

      {list.isError ? <ErrorAlert title={t('theories.loadError')} error={list.error} onRetry={() => void list.refetch()} /> : null}

      <Card size="small" styles={{ body: { padding: 0 } }} data-testid="theories-table">
        <Table<CampaignSummary>
          rowKey="code"
          size="middle"
          columns={columns}
          dataSource={items}
          loading={list.isPending || (list.isFetching && list.isPlaceholderData)}
          onChange={onTableChange}
          // Ascending and descending only: "no sort" would be the default sort, which a column
          // other than "created" cannot show.
          sortDirections={['ascend', 'descend', 'ascend']}
          locale={{
            emptyText: list.isError ? ' ' : <Empty description={t(filtered ? 'theories.emptyFiltered' : 'theories.empty')} />,
          }}
          pagination={{
            current: filters.page,
            pageSize: filters.size,
            total: list.data?.total ?? 0,
            showSizeChanger: true,
            pageSizeOptions: PAGE_SIZES.map(String),
            showTotal: (total) => t('theories.total', { total: formatCount(total, language) }),
            style: { marginInline: 16 },
          }}
          tableLayout="fixed"
          scroll={{ x: scrollX }}
        />
      </Card>
    </Space>
  );
}
