import { Card, Empty, Flex, Grid, Table, Tag, Tooltip, Typography, theme } from 'antd';
import type { Breakpoint, TableColumnsType, TableProps } from 'antd';
import type { TFunction } from 'i18next';
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { formatCount, formatDate, formatDateTime } from '../../../lib/format';
import { leadOf, useStreams, type CampaignList, type CampaignSummary, type CampaignType } from './api';
import { groupArms } from './arms';
import { isFiltered, NO_FILTERS, PAGE_SIZES, sortState, type SortField, type TheoryFilters } from './filters';
import { channelName, TYPE_COLORS } from './status';
import { StatusTag } from './StatusTag';
import type { UpdateFilters } from './useFiltersInUrl';

const { Text } = Typography;

/**
 * The columns only wide screens have room for (the content is about 1150 px wide at 1440 px, all
 * the columns need about 1420): below xxl (1600 px) they are left out — the owner has its filter.
 */
const WIDE_ONLY: Breakpoint[] = ['xxl'];

interface ColumnsContext {
  t: TFunction;
  language: string;
  sortOrderOf: (field: SortField) => 'ascend' | 'descend' | null;
  streamName: (code: string) => string;
  /** The codes on this page: an arm whose lead is among them is shown under it. */
  onPage: Set<string>;
  /** The line beside an arm shown under its lead. */
  armRule: string;
}

/**
 * The row's place in an A/B/n experiment: the lead "A/B/n · A"; an arm under its lead "↳ B"; an
 * arm whose lead is on another page "A/B/n · B" and the lead's code.
 */
function ArmLabel({ campaign, grouped, t }: { campaign: CampaignSummary; grouped: boolean; t: TFunction }) {
  const lead = leadOf(campaign);
  const arm = campaign.arm ?? '';
  const tag = (
    <Tooltip title={lead ? t('theories.arms.tagHint', { arm, lead }) : t('theories.arms.leadHint', { arm })}>
      <Tag
        color="cyan"
        style={{ marginInlineEnd: 0, alignSelf: 'flex-start' }}
        data-testid="campaign-arm"
        data-arm={arm}
        data-lead={campaign.experiment ?? ''}
        data-grouped={grouped}
      >
        {grouped ? t('theories.arms.armTag', { arm }) : t('theories.arms.tag', { arm })}
      </Tag>
    </Tooltip>
  );
  if (!lead || grouped) return tag;
  return (
    <>
      {tag}
      <Text type="secondary" style={{ fontSize: 12, whiteSpace: 'nowrap' }}>
        {t('theories.arms.leadTag')}{' '}
        <Link to={`/campaigns/${encodeURIComponent(lead)}`} style={{ fontFamily: 'monospace' }} data-testid="campaign-arm-lead">
          {lead}
        </Link>
      </Text>
    </>
  );
}

function theoryColumns({ t, language, sortOrderOf, streamName, onPage, armRule }: ColumnsContext): TableColumnsType<CampaignSummary> {
  return [
    {
      title: t('theories.col.code'),
      dataIndex: 'code',
      key: 'code',
      width: 120,
      sorter: true,
      sortOrder: sortOrderOf('code'),
      render: (code: string, campaign) => {
        const lead = leadOf(campaign);
        const grouped = lead !== null && onPage.has(lead);
        return (
          <Flex
            vertical
            gap={2}
            style={grouped ? { paddingInlineStart: 10, borderInlineStart: `2px solid ${armRule}` } : undefined}
          >
            <Link to={`/campaigns/${encodeURIComponent(code)}`} style={{ fontFamily: 'monospace' }} data-testid="campaign-link">
              {code}
            </Link>
            {campaign.xls_ow_id ? (
              <Text type="secondary" style={{ fontFamily: 'monospace', fontSize: 12 }}>
                {campaign.xls_ow_id}
              </Text>
            ) : null}
            {campaign.experiment && campaign.arm ? <ArmLabel campaign={campaign} grouped={grouped} t={t} /> : null}
          </Flex>
        );
      },
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
}

interface TheoriesTableProps {
  filters: TheoryFilters;
  updateFilters: UpdateFilters;
  list: CampaignList;
}

/** The campaigns of the view: one page of them, sorted and paged through the address. */
export function TheoriesTable({ filters, updateFilters, list }: TheoriesTableProps) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'ru';
  const streams = useStreams();
  const screens = Grid.useBreakpoint();

  const streamName = useCallback(
    (code: string) => streams.data?.find((stream) => stream.code === code)?.name_ru ?? code,
    [streams.data],
  );
  const { token } = theme.useToken();
  const items = groupArms(list.data?.items ?? []);
  const onPage = new Set(items.map((item) => item.code));
  const sort = sortState(filters.sort);
  const sortOrderOf = (field: SortField) => (sort.field === field ? sort.order : null);
  const columns = theoryColumns({ t, language, sortOrderOf, streamName, onPage, armRule: token.colorInfoBorder });

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

  const filtered = isFiltered(filters);

  return (
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
  );
}
