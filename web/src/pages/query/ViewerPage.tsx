import { BarChartOutlined, FilterFilled, LeftOutlined, RightOutlined } from '@ant-design/icons';
import {
  Button,
  Card,
  Descriptions,
  Drawer,
  Empty,
  Flex,
  Input,
  Select,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import type { TableColumnsType, TablePaginationConfig } from 'antd';
import type { SorterResult } from 'antd/es/table/interface';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';

import { EChart } from '../../components/EChart';
import { ExportButton } from './ExportButton';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatCount } from '../../lib/format';
import {
  type Condition,
  type Kind,
  type Op,
  OPS_BY_KIND,
  needsNoValue,
  parseValue,
  useColumnProfile,
  useViewerPage,
} from './api';

const { Title, Text } = Typography;
const PAGE_SIZE = 100;

type Row = Record<string, unknown> & { __key: number };

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return String(value);
}

function ColumnFilter({
  kind,
  current,
  onApply,
  onClear,
}: {
  kind: Kind;
  current: Condition | undefined;
  onApply: (op: Op, text: string) => void;
  onClear: () => void;
}) {
  const { t } = useTranslation();
  const ops = OPS_BY_KIND[kind];
  const [op, setOp] = useState<Op>(current?.op ?? ops[0] ?? '=');
  const [text, setText] = useState(
    current?.value === undefined || current.value === null
      ? ''
      : Array.isArray(current.value)
        ? current.value.join(', ')
        : String(current.value),
  );
  return (
    <Space orientation="vertical" style={{ padding: 8, width: 260 }} onKeyDown={(e) => e.stopPropagation()}>
      <Select<Op>
        value={op}
        onChange={setOp}
        style={{ width: '100%' }}
        options={ops.map((value) => ({ value, label: t(`query.op.${value}`) }))}
        aria-label={t('query.operator')}
      />
      {needsNoValue(op) ? null : (
        <Input
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder={t(op === 'in' || op === 'not_in' || op === 'between' ? 'query.valuesHint' : 'query.value')}
          onPressEnter={() => onApply(op, text)}
          aria-label={t('query.value')}
        />
      )}
      <Flex gap={8} justify="end">
        <Button size="small" onClick={onClear}>
          {t('viewer.clear')}
        </Button>
        <Button size="small" type="primary" onClick={() => onApply(op, text)}>
          {t('viewer.apply')}
        </Button>
      </Flex>
    </Space>
  );
}

function ProfileDrawer({
  name,
  column,
  filters,
  onClose,
}: {
  name: string;
  column: string | null;
  filters: Condition[];
  onClose: () => void;
}) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'ru';
  const profile = useColumnProfile(name, column, filters);
  const data = profile.data;
  const bars = useMemo(
    () =>
      data
        ? data.histogram.length
          ? data.histogram.map((b) => ({ label: `${b.low.toFixed(1)}–${b.high.toFixed(1)}`, count: b.count }))
          : data.top_values.map((v) => ({ label: cellText(v.value), count: v.count }))
        : [],
    [data],
  );
  const option = useMemo(
    () => ({
      grid: { left: 8, right: 16, top: 8, bottom: 8, containLabel: true },
      tooltip: {},
      xAxis: { type: 'value' },
      yAxis: { type: 'category', data: bars.map((b) => b.label), inverse: true },
      series: [{ type: 'bar', data: bars.map((b) => b.count), itemStyle: { color: '#1677ff' } }],
    }),
    [bars],
  );
  return (
    <Drawer open={column !== null} onClose={onClose} title={t('viewer.profileOf', { column })} size={480}>
      {profile.isError ? <ErrorAlert title={t('viewer.profileError')} error={profile.error} /> : null}
      {data ? (
        <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="column-profile">
          <Descriptions column={2} size="small" bordered>
            <Descriptions.Item label={t('viewer.kind')}>{t(`query.kind.${data.kind}`)}</Descriptions.Item>
            <Descriptions.Item label={t('viewer.rows')}>{formatCount(data.rows, language)}</Descriptions.Item>
            <Descriptions.Item label={t('viewer.nulls')}>{formatCount(data.nulls, language)}</Descriptions.Item>
            <Descriptions.Item label={t('viewer.distinct')}>{formatCount(data.distinct, language)}</Descriptions.Item>
            <Descriptions.Item label={t('viewer.min')}>{cellText(data.min)}</Descriptions.Item>
            <Descriptions.Item label={t('viewer.max')}>{cellText(data.max)}</Descriptions.Item>
          </Descriptions>
          <Text strong>{t(data.histogram.length ? 'viewer.histogram' : 'viewer.topValues')}</Text>
          {bars.length ? (
            <EChart option={option} height={Math.max(160, bars.length * 28)} label={t('viewer.profileOf', { column })} />
          ) : (
            <Empty />
          )}
        </Space>
      ) : null}
    </Drawer>
  );
}

export function ViewerPage() {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'ru';
  const { name = '' } = useParams();
  const [sort, setSort] = useState<{ column?: string; desc: boolean }>({ desc: false });
  const [filters, setFilters] = useState<Condition[]>([]);
  const [search, setSearch] = useState('');
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [profileColumn, setProfileColumn] = useState<string | null>(null);
  const pageIndex = cursors.length - 1;
  const page = useViewerPage(name, {
    sort: sort.column,
    desc: sort.desc,
    after: cursors[pageIndex],
    limit: PAGE_SIZE,
    q: search,
    filters,
    count: pageIndex === 0,
  });
  const [total, setTotal] = useState<number | null>(null);
  if (page.data && page.data.total !== null && page.data.total !== undefined && page.data.total !== total && pageIndex === 0) {
    setTotal(page.data.total);
  }

  const restart = () => setCursors([undefined]);
  const setFilter = (column: string, condition: Condition | null) => {
    setFilters((current) => [...current.filter((f) => f.column.column !== column), ...(condition ? [condition] : [])]);
    restart();
  };

  const columns: TableColumnsType<Row> = (page.data?.columns ?? []).map((column) => {
    const current = filters.find((f) => f.column.column === column.name);
    return {
      key: column.name,
      dataIndex: column.name,
      title: (
        <Space size={4}>
          <span style={{ fontFamily: 'monospace' }}>{column.name}</span>
          <Tooltip title={t('viewer.profile')}>
            <Button
              type="text"
              size="small"
              icon={<BarChartOutlined />}
              aria-label={t('viewer.profileOf', { column: column.name })}
              onClick={(event) => {
                event.stopPropagation();
                setProfileColumn(column.name);
              }}
            />
          </Tooltip>
        </Space>
      ),
      sorter: true,
      sortOrder: sort.column === column.name ? (sort.desc ? 'descend' : 'ascend') : null,
      filteredValue: current ? [cellText(current.value)] : null,
      filterIcon: <FilterFilled style={{ color: current ? '#1677ff' : undefined }} aria-label={t('viewer.filterOf', { column: column.name })} />,
      filterDropdown: ({ close }) => (
        <ColumnFilter
          key={`${column.name}-${current ? 'on' : 'off'}`}
          kind={column.kind}
          current={current}
          onApply={(op, text) => {
            setFilter(column.name, { kind: 'condition', column: { column: column.name }, op, value: parseValue(column.kind, op, text) });
            close();
          }}
          onClear={() => {
            setFilter(column.name, null);
            close();
          }}
        />
      ),
      ellipsis: true,
      width: column.kind === 'text' ? 180 : 130,
      render: (value: unknown) =>
        value === null || value === undefined ? <Text type="secondary">∅</Text> : <span>{cellText(value)}</span>,
    };
  });
  const rows: Row[] = (page.data?.rows ?? []).map((values, index) => {
    const row: Row = { __key: pageIndex * PAGE_SIZE + index };
    (page.data?.columns ?? []).forEach((column, i) => {
      row[column.name] = values[i];
    });
    return row;
  });

  const onChange = (_p: TablePaginationConfig, _f: unknown, sorter: SorterResult<Row> | SorterResult<Row>[]) => {
    const one = Array.isArray(sorter) ? sorter[0] : sorter;
    const column = one?.order ? String(one.columnKey) : undefined;
    setSort({ column, desc: one?.order === 'descend' });
    restart();
  };

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Flex align="center" gap={12} wrap>
        <Link to="/datasets">
          <LeftOutlined /> {t('viewer.back')}
        </Link>
        <Title level={3} style={{ margin: 0, fontFamily: 'monospace' }}>
          {name}
        </Title>
        {total !== null ? (
          <Text type="secondary" data-testid="viewer-total">
            {t('viewer.total', { count: total, formatted: formatCount(total, language) })}
          </Text>
        ) : null}
      </Flex>
      <Flex gap={12} wrap align="center">
        <Input.Search
          allowClear
          placeholder={t('viewer.search')}
          aria-label={t('viewer.search')}
          style={{ maxWidth: 360 }}
          onSearch={(value) => {
            setSearch(value);
            restart();
          }}
        />
        <ExportButton
          spec={{
            version: 1,
            source: name,
            filters: filters.length ? { kind: 'group', combine: 'and', filters } : null,
            order_by: sort.column ? [{ field: sort.column, desc: sort.desc }] : [],
          }}
        />
        {filters.map((f) => (
          <Tag key={f.column.column} closable onClose={() => setFilter(f.column.column, null)} data-testid="viewer-filter">
            {f.column.column} {t(`query.op.${f.op}`)} {cellText(Array.isArray(f.value) ? f.value.join(', ') : f.value)}
          </Tag>
        ))}
      </Flex>
      {page.isError ? <ErrorAlert title={t('viewer.loadError')} error={page.error} onRetry={() => void page.refetch()} /> : null}
      <Card size="small" styles={{ body: { padding: 0 } }}>
        <Table<Row>
          rowKey="__key"
          size="small"
          columns={columns}
          dataSource={rows}
          loading={page.isFetching}
          pagination={false}
          onChange={onChange}
          tableLayout="fixed"
          scroll={{ x: Math.max(900, columns.length * 150), y: 560 }}
          data-testid="viewer-grid"
        />
      </Card>
      <Flex justify="end" align="center" gap={12}>
        <Text type="secondary" data-testid="viewer-page">
          {t('viewer.page', { page: pageIndex + 1 })}
        </Text>
        <Button icon={<LeftOutlined />} disabled={pageIndex === 0} onClick={() => setCursors((c) => c.slice(0, -1))}>
          {t('viewer.previous')}
        </Button>
        <Button
          disabled={!page.data?.next_cursor || page.isFetching}
          onClick={() => setCursors((c) => [...c, page.data?.next_cursor ?? undefined])}
        >
          {t('viewer.next')} <RightOutlined />
        </Button>
      </Flex>
      <ProfileDrawer name={name} column={profileColumn} filters={filters} onClose={() => setProfileColumn(null)} />
    </Space>
  );
}
