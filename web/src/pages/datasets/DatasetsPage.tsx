import { Card, Col, Empty, Flex, Row, Space, Statistic, Table, Tag, Tooltip, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import type { Dataset } from '../../api/types';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatCount, formatDateTime } from '../../lib/format';
import { CATEGORY_COLORS, isKnownCategory } from './categories';
import { useDatasets } from './useDatasets';

const { Title, Paragraph, Text } = Typography;

function latestRefresh(items: Dataset[]): string | null {
  const times = items.map((d) => d.refreshed_at).filter((v): v is string => Boolean(v));
  return times.length ? times.reduce((a, b) => (Date.parse(a) >= Date.parse(b) ? a : b)) : null;
}

function CategoryTag({ category }: { category: string }) {
  const { t } = useTranslation();
  if (!isKnownCategory(category)) return <Tag>{category}</Tag>;
  return (
    <Tooltip title={category}>
      <Tag color={CATEGORY_COLORS[category]} data-category={category}>
        {t(`datasets.category.${category}`)}
      </Tag>
    </Tooltip>
  );
}

function DatasetDetails({ dataset }: { dataset: Dataset }) {
  const { t } = useTranslation();
  return (
    <Space orientation="vertical" size={8} style={{ width: '100%' }}>
      {dataset.description ? <Text>{dataset.description}</Text> : null}
      <Space size={24} wrap>
        <Text type="secondary">
          {t('datasets.table')}: <Text code>{dataset.table_name}</Text>
        </Text>
        {dataset.source ? (
          <Text type="secondary">
            {t('datasets.source')}: <Text>{dataset.source}</Text>
          </Text>
        ) : null}
      </Space>
      <Text strong>{t('datasets.columnsTitle', { count: dataset.columns.length })}</Text>
      <Flex wrap gap={6} data-testid={`columns-${dataset.name}`}>
        {dataset.columns.map((column) => (
          <Tag key={column.name} variant="filled" style={{ marginInlineEnd: 0 }}>
            <Text style={{ fontFamily: 'monospace' }}>{column.name}</Text>{' '}
            <Text type="secondary" style={{ fontSize: 12 }}>
              {column.type}
            </Text>
          </Tag>
        ))}
      </Flex>
    </Space>
  );
}

export function DatasetsPage() {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'ru';
  const datasets = useDatasets();
  const items = useMemo(() => datasets.data?.items ?? [], [datasets.data]);
  const totalRows = items.reduce((sum, d) => sum + d.row_count, 0);
  const lastRefresh = formatDateTime(latestRefresh(items), language);

  const columns: TableColumnsType<Dataset> = [
    {
      title: t('datasets.col.name'),
      dataIndex: 'name',
      key: 'name',
      width: 220,
      sorter: (a, b) => a.name.localeCompare(b.name),
      render: (name: string) => (
        <Link to={`/datasets/${encodeURIComponent(name)}`} title={t('viewer.open')} data-testid={`open-${name}`}>
          <Text strong style={{ fontFamily: 'monospace', whiteSpace: 'nowrap', color: 'inherit' }}>
            {name}
          </Text>
        </Link>
      ),
    },
    {
      title: t('datasets.col.category'),
      dataIndex: 'category',
      key: 'category',
      width: 170,
      filters: [...new Set(items.map((d) => d.category))].map((category) => ({
        text: isKnownCategory(category) ? t(`datasets.category.${category}`) : category,
        value: category,
      })),
      onFilter: (value, record) => record.category === value,
      render: (category: string) => <CategoryTag category={category} />,
    },
    {
      title: t('datasets.col.description'),
      dataIndex: 'description',
      key: 'description',
      // Long descriptions stay on one line; the full text is in the tooltip and the expanded row.
      ellipsis: { showTitle: true },
      render: (description: string | null) => description ?? <Text type="secondary">—</Text>,
    },
    {
      title: t('datasets.col.rows'),
      dataIndex: 'row_count',
      key: 'row_count',
      width: 120,
      align: 'right',
      sorter: (a, b) => a.row_count - b.row_count,
      render: (count: number) => (
        <Text style={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }} data-testid="row-count">
          {formatCount(count, language)}
        </Text>
      ),
    },
    {
      title: t('datasets.col.refreshedAt'),
      dataIndex: 'refreshed_at',
      key: 'refreshed_at',
      width: 160,
      sorter: (a, b) => Date.parse(a.refreshed_at ?? '') - Date.parse(b.refreshed_at ?? '') || 0,
      render: (iso: string | null) => {
        const text = formatDateTime(iso, language);
        return text ? <span style={{ whiteSpace: 'nowrap' }}>{text}</span> : <Text type="secondary">{t('datasets.never')}</Text>;
      },
    },
  ];

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <div>
        <Title level={3} style={{ marginTop: 0 }}>
          {t('datasets.title')}
        </Title>
        <Paragraph type="secondary" style={{ marginBottom: 0 }}>
          {t('datasets.intro')}
        </Paragraph>
      </div>

      {datasets.isError ? (
        <ErrorAlert title={t('datasets.loadError')} error={datasets.error} onRetry={() => void datasets.refetch()} />
      ) : null}

      <Row gutter={16}>
        <Col xs={24} sm={8}>
          <Card size="small">
            <Statistic
              title={t('datasets.count')}
              loading={datasets.isPending}
              value={items.length}
              formatter={(value) => formatCount(Number(value), language)}
              styles={{ content: { fontVariantNumeric: 'tabular-nums' } }}
              data-testid="summary-count"
            />
          </Card>
        </Col>
        <Col xs={24} sm={8}>
          <Card size="small">
            <Statistic
              title={t('datasets.totalRows')}
              loading={datasets.isPending}
              value={totalRows}
              formatter={(value) => formatCount(Number(value), language)}
              styles={{ content: { fontVariantNumeric: 'tabular-nums' } }}
              data-testid="summary-rows"
            />
          </Card>
        </Col>
        <Col xs={24} sm={8}>
          <Card size="small">
            <Statistic
              title={t('datasets.lastRefresh')}
              loading={datasets.isPending}
              value={lastRefresh ?? '—'}
            />
          </Card>
        </Col>
      </Row>

      <Card size="small" styles={{ body: { padding: 0 } }}>
        <Table<Dataset>
          rowKey="name"
          size="middle"
          columns={columns}
          dataSource={items}
          loading={datasets.isPending}
          pagination={{ pageSize: 50, hideOnSinglePage: true }}
          expandable={{ expandedRowRender: (dataset) => <DatasetDetails dataset={dataset} /> }}
          locale={{ emptyText: datasets.isError ? ' ' : <Empty description={t('datasets.empty')} /> }}
          tableLayout="fixed"
          scroll={{ x: 900 }}
        />
      </Card>
    </Space>
  );
}
