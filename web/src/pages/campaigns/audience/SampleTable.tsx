import { Card, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';

import { formatNumber } from '../../../lib/format';
import { deviceName, filialName, genderName, type LabelContext } from './labels';
import type { SampleRow } from './types';

const { Text } = Typography;
const dash = <Text type="secondary">—</Text>;

export function SampleTable({ rows, ctx, loading }: { rows: SampleRow[]; ctx: LabelContext; loading: boolean }) {
  const { t } = useTranslation();
  const scored = rows.some((r) => r.score != null);
  const columns: TableColumnsType<SampleRow> = [
    {
      title: t('audience.sample.iin'),
      dataIndex: 'iin',
      key: 'iin',
      width: 150,
      render: (iin: string) => <Text style={{ fontFamily: 'monospace' }}>{iin}</Text>,
    },
    { title: t('audience.sample.age'), dataIndex: 'age', key: 'age', width: 90, align: 'right', render: (v: number | null) => v ?? dash },
    {
      title: t('audience.sample.gender'),
      dataIndex: 'gender',
      key: 'gender',
      width: 110,
      render: (v: string | null) => (v ? genderName(ctx, v) : dash),
    },
    {
      title: t('audience.sample.filial'),
      dataIndex: 'filial',
      key: 'filial',
      ellipsis: true,
      render: (v: string | null) => (v ? filialName(ctx, v) : dash),
    },
    {
      title: t('audience.sample.device'),
      dataIndex: 'device',
      key: 'device',
      width: 140,
      render: (v: string | null) => deviceName(ctx, v ?? 'none'),
    },
    {
      title: t('audience.sample.mau'),
      dataIndex: 'mau',
      key: 'mau',
      width: 80,
      render: (v: boolean | null) => (v == null ? dash : v ? t('audience.values.yes') : t('audience.values.no')),
    },
  ];
  if (scored)
    columns.push({
      title: t('audience.sample.score'),
      dataIndex: 'score',
      key: 'score',
      width: 130,
      align: 'right',
      render: (v: number | null) =>
        v == null ? dash : formatNumber(v, ctx.language, 4),
    });
  return (
    <Card size="small" title={t('audience.sample.title')} styles={{ body: { padding: 0 } }} data-testid="sample">
      <Table<SampleRow>
        rowKey="iin"
        size="small"
        columns={columns}
        dataSource={rows}
        loading={loading}
        pagination={false}
        tableLayout="fixed"
        locale={{ emptyText: t('audience.sample.empty') }}
        scroll={{ x: 760 }}
      />
    </Card>
  );
}
