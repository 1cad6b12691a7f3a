import { PlayCircleOutlined } from '@ant-design/icons';
import { App, Button, Card, Col, Empty, Modal, Row, Space, Statistic, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { errorMessage } from '../../api/errors';
import { useHasRole } from '../../auth/useSession';
import { EChart } from '../../components/EChart';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatCount, formatDate, formatDateTime, formatNumber } from '../../lib/format';
import { useDistributions, useRunDistribution, type DistributionReport, type DistributionRun } from './useDistributions';

const { Title, Paragraph, Text } = Typography;

const STATUS_COLORS: Record<string, string> = { done: 'success', failed: 'error', already_done: 'default', dry_run: 'processing' };

interface ShareRow {
  code: string;
  name?: string;
  target: number;
  control: number;
}

/** Monitoring → Distribution: the 09:00 pool distribution, its history, and a run by hand (admin). */
export function DistributionPage() {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'ru';
  const { message } = App.useApp();
  const overview = useDistributions();
  const run = useRunDistribution();
  const isAdmin = useHasRole('admin');
  const [preview, setPreview] = useState<DistributionReport | null>(null);

  const reason = (code: string) => (i18n.exists(`distribution.reason.${code}`) ? t(`distribution.reason.${code}`) : code);
  const reasons = (counts: Record<string, number> | null | undefined) => {
    const entries = Object.entries(counts ?? {});
    if (entries.length === 0) return <Text type="secondary">{t('distribution.none')}</Text>;
    return (
      <Space size={[4, 4]} wrap>
        {entries.map(([code, n]) => (
          <Tag key={code} data-reason={code} style={{ whiteSpace: 'normal', marginInlineEnd: 0 }}>
            {reason(code)}: {formatCount(n, language)}
          </Tag>
        ))}
      </Space>
    );
  };
  const statusTag = (status: string) => (
    <Tag color={STATUS_COLORS[status] ?? 'default'} data-status={status}>
      {i18n.exists(`distribution.status.${status}`) ? t(`distribution.status.${status}`) : status}
    </Tag>
  );

  const items = useMemo(() => overview.data?.items ?? [], [overview.data]);
  const chartRuns = useMemo(() => items.filter((r) => r.status === 'done').slice(0, 30).reverse(), [items]);
  const chart = useMemo(
    () => ({
      grid: { left: 56, right: 16, top: 16, bottom: 32 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: chartRuns.map((r) => formatDate(r.day, language)) },
      yAxis: { type: 'value' },
      series: [{ type: 'bar', name: t('distribution.series'), data: chartRuns.map((r) => r.distributed), color: '#1677ff', barMaxWidth: 40 }],
    }),
    [chartRuns, language, t],
  );

  const shareColumns: TableColumnsType<ShareRow> = [
    { title: t('distribution.col.campaign'), dataIndex: 'code', key: 'code', render: (code: string) => <Text code>{code}</Text> },
    { title: t('distribution.col.name'), dataIndex: 'name', key: 'name' },
    { title: t('distribution.col.target'), dataIndex: 'target', key: 'target', align: 'right', render: (n: number) => formatCount(n, language) },
    { title: t('distribution.col.control'), dataIndex: 'control', key: 'control', align: 'right', render: (n: number) => formatCount(n, language) },
  ];

  const columns: TableColumnsType<DistributionRun> = [
    { title: t('distribution.col.day'), dataIndex: 'day', key: 'day', width: 110, render: (day: string) => formatDate(day, language) },
    { title: t('distribution.col.status'), dataIndex: 'status', key: 'status', width: 120, render: statusTag },
    {
      title: t('distribution.col.trigger'),
      dataIndex: 'trigger',
      key: 'trigger',
      width: 150,
      render: (trigger: string, row) => (
        <Space direction="vertical" size={0}>
          <Text>{i18n.exists(`distribution.trigger.${trigger}`) ? t(`distribution.trigger.${trigger}`) : trigger}</Text>
          {row.username ? <Text type="secondary" style={{ fontSize: 12 }}>{row.username}</Text> : null}
        </Space>
      ),
    },
    { title: t('distribution.col.pool'), dataIndex: 'pool_size', key: 'pool', align: 'right', width: 100, render: (n: number) => formatCount(n, language) },
    {
      title: t('distribution.col.distributed'),
      dataIndex: 'distributed',
      key: 'distributed',
      align: 'right',
      width: 140,
      render: (n: number) => formatCount(n, language),
    },
    { title: t('distribution.col.undistributed'), dataIndex: 'undistributed', key: 'undistributed', width: 260, render: reasons },
    {
      title: t('distribution.col.seconds'),
      dataIndex: 'seconds',
      key: 'seconds',
      align: 'right',
      width: 80,
      render: (seconds: number | null) => (seconds === null ? '—' : formatNumber(seconds, language, 1)),
    },
    {
      title: t('distribution.col.error'),
      dataIndex: 'error',
      key: 'error',
      ellipsis: true,
      render: (error: string | null) => (error ? <Text type="danger">{error}</Text> : null),
    },
  ];

  const startDryRun = () =>
    run.mutate(
      { dry_run: true },
      {
        onSuccess: (report) => setPreview(report),
        onError: (error) => void message.error(errorMessage(error, t)),
      },
    );
  const confirmRun = () =>
    run.mutate(
      { day: preview?.day, dry_run: false },
      {
        onSuccess: (report) => {
          setPreview(null);
          if (report.status === 'already_done') void message.info(t('distribution.alreadyDone', { day: formatDate(report.day, language) }));
          else
            void message.success(
              t('distribution.done', {
                day: formatDate(report.day, language),
                distributed: formatCount(report.distributed, language),
                pool: formatCount(report.pool_size, language),
              }),
            );
        },
        onError: (error) => void message.error(errorMessage(error, t)),
      },
    );

  const data = overview.data;
  const lastDone = items.find((r) => r.status === 'done');
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <div>
        <Title level={3} style={{ marginTop: 0 }}>
          {t('distribution.title')}
        </Title>
        <Paragraph type="secondary">{t('distribution.intro')}</Paragraph>
      </div>
      {overview.isError ? <ErrorAlert title={t('distribution.loadError')} error={overview.error} onRetry={() => void overview.refetch()} /> : null}
      <Row gutter={[16, 16]}>
        <Col xs={24} md={8}>
          <Card loading={overview.isPending}>
            <Statistic
              title={t('distribution.today', { day: data ? formatDate(data.today, language) : '' })}
              valueRender={() => (data?.today_status ? statusTag(data.today_status) : <Text type="secondary">{t('distribution.notRun')}</Text>)}
            />
          </Card>
        </Col>
        <Col xs={24} md={8}>
          <Card loading={overview.isPending}>
            <Statistic
              title={t('distribution.nextRun')}
              valueRender={() => (
                <span data-testid="next-run">
                  {data?.next_run_at ? formatDateTime(data.next_run_at, language) : <Text type="secondary">{t('distribution.schedulerOff')}</Text>}
                </span>
              )}
            />
            <Text type="secondary" style={{ fontSize: 12 }}>
              cron: <Text code>{data?.cron}</Text>
            </Text>
          </Card>
        </Col>
        <Col xs={24} md={8}>
          <Card loading={overview.isPending}>
            <Statistic title={t('distribution.lastDistributed')} value={lastDone ? formatCount(lastDone.distributed, language) : '—'} />
            {isAdmin ? (
              <Button type="primary" icon={<PlayCircleOutlined />} loading={run.isPending && !preview} onClick={startDryRun} style={{ marginTop: 8 }}>
                {t('distribution.runManually')}
              </Button>
            ) : null}
          </Card>
        </Col>
      </Row>
      {chartRuns.length > 0 ? (
        <Card>
          <EChart
            option={chart}
            height={220}
            label={t('distribution.chartLabel', {
              n: chartRuns.length,
              max: formatCount(Math.max(...chartRuns.map((r) => r.distributed)), language),
            })}
          />
        </Card>
      ) : null}
      <Card>
        <Table<DistributionRun>
          rowKey="id"
          size="small"
          columns={columns}
          dataSource={items}
          loading={overview.isPending}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          locale={{ emptyText: <Empty description={t('distribution.emptyHistory')} /> }}
          expandable={{
            rowExpandable: (row) => Object.keys(row.campaigns ?? {}).length > 0,
            expandedRowRender: (row) => (
              <Table<ShareRow>
                size="small"
                rowKey="code"
                pagination={false}
                columns={shareColumns.filter((c) => c.key !== 'name')}
                dataSource={Object.entries(row.campaigns ?? {}).map(([code, n]) => ({ code, target: n.target ?? 0, control: n.control ?? 0 }))}
              />
            ),
          }}
        />
      </Card>
      <Modal
        open={preview !== null}
        title={preview ? t('distribution.dryRunTitle', { day: formatDate(preview.day, language) }) : ''}
        okText={t('distribution.confirm')}
        cancelText={t('distribution.cancel')}
        onOk={confirmRun}
        onCancel={() => setPreview(null)}
        confirmLoading={run.isPending}
        width={720}
      >
        {preview ? (
          <Space direction="vertical" style={{ width: '100%' }} data-testid="distribution-preview">
            <Text>{t('distribution.dryRunIntro')}</Text>
            <Space size="large">
              <Statistic title={t('distribution.pool')} value={formatCount(preview.pool_size, language)} />
              <Statistic title={t('distribution.distributed')} value={formatCount(preview.distributed, language)} />
            </Space>
            <Table<ShareRow> size="small" rowKey="code" pagination={false} columns={shareColumns} dataSource={preview.campaigns} />
            <div>
              <Text strong>{t('distribution.undistributed')}: </Text>
              {reasons(preview.undistributed)}
            </div>
          </Space>
        ) : null}
      </Modal>
    </Space>
  );
}
