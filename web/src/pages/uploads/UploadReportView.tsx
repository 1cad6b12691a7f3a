import { CloseOutlined, IdcardOutlined } from '@ant-design/icons';
import { Button, Card, Descriptions, Flex, Space, Table, Tag, Tooltip, Typography, theme } from 'antd';
import type { DescriptionsProps, TableColumnsType } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';

import { formatBytes, formatCount, formatDateTime } from '../../lib/format';
import { renderCode } from '../../i18n/codes/render';
import { PurposeTag } from './PurposeTag';
import type { UploadNormalizedRow, UploadPreviewRow, UploadReport, UploadRowError } from './types';

const { Text, Title } = Typography;

export type CountKey =
  | 'rows_valid'
  | 'rows_normalized'
  | 'rows_invalid_format'
  | 'rows_bad_checksum'
  | 'rows_bin'
  | 'rows_empty'
  | 'rows_duplicate'
  | 'unique_iins';

/**
 * The counts in the order a person reads them, with their colours: the good news (green), what
 * was fixed (blue), what is wrong (red), what is not a person (orange), the rest (grey). A problem
 * that did not occur is grey: red only where there is something to look at.
 */
const COUNTS: { key: CountKey; color: string; problem?: boolean }[] = [
  { key: 'unique_iins', color: 'green' },
  { key: 'rows_valid', color: 'green' },
  { key: 'rows_normalized', color: 'blue' },
  { key: 'rows_invalid_format', color: 'red', problem: true },
  { key: 'rows_bad_checksum', color: 'red', problem: true },
  { key: 'rows_bin', color: 'orange', problem: true },
  { key: 'rows_empty', color: 'default', problem: true },
  { key: 'rows_duplicate', color: 'default' },
];

const PROBLEM_COLORS: Record<UploadRowError['problem'], string> = {
  invalid_format: 'red',
  bad_checksum: 'red',
  bin: 'orange',
  empty: 'default',
};

const numeric = { fontVariantNumeric: 'tabular-nums' } as const;
const mono = { fontFamily: 'monospace' } as const;

function CountTags({ report }: { report: UploadReport }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'ru';
  return (
    <Flex wrap gap={8} data-testid="report-counts">
      {COUNTS.map(({ key, color, problem }) => {
        const value = report[key];
        const shown = problem && value === 0 ? 'default' : color;
        return (
          <Tooltip key={key} title={t(`uploads.report.countHelp.${key}`)}>
            <Tag
              color={shown}
              data-testid={`count-${key}`}
              data-count={value}
              style={{ marginInlineEnd: 0, paddingInline: 10, fontSize: 14, lineHeight: '26px' }}
            >
              {t(`uploads.report.counts.${key}`)}:{' '}
              <strong style={numeric} data-testid={`count-${key}-value`}>
                {formatCount(value, language)}
              </strong>
            </Tag>
          </Tooltip>
        );
      })}
    </Flex>
  );
}

function delimiterName(delimiter: string | null, t: (key: string) => string): string | null {
  if (delimiter === null) return null;
  return delimiter === 'tab' || delimiter === '\t' ? t('uploads.report.tab') : delimiter;
}

function FileFacts({ report }: { report: UploadReport }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'ru';
  const dash = <Text type="secondary">—</Text>;
  const delimiter = delimiterName(report.delimiter, t);
  const items: DescriptionsProps['items'] = [
    {
      key: 'format',
      label: t('uploads.report.format'),
      children: (
        <span data-testid="report-format">
          {report.format.toUpperCase()}
          {report.has_header ? null : <Text type="secondary"> · {t('uploads.report.noHeader')}</Text>}
        </span>
      ),
    },
    {
      key: 'encoding',
      label: t('uploads.report.encoding'),
      children: report.encoding ? (
        <span>
          <Text code data-testid="report-encoding">
            {report.encoding}
          </Text>
          {report.rows_recoded > 0 ? (
            <Tooltip title={t('uploads.report.recodedLines', { lines: (report.recoded_rows ?? []).join(', ') })}>
              <Text type="warning" data-testid="report-recoded">
                {' '}
                · {t('uploads.report.recoded', { count: report.rows_recoded })}
              </Text>
            </Tooltip>
          ) : null}
        </span>
      ) : (
        dash
      ),
    },
    {
      key: 'delimiter',
      label: t('uploads.report.delimiter'),
      children: delimiter ? <Text code>{delimiter}</Text> : dash,
    },
    {
      key: 'sheet',
      label: t('uploads.report.sheet'),
      children: report.sheet
        ? report.sheets && report.sheets.length > 1
          ? t('uploads.report.sheetOf', { sheet: report.sheet, count: report.sheets.length })
          : report.sheet
        : dash,
    },
    {
      key: 'iin_column',
      label: t('uploads.report.iinColumn'),
      children: (
        <Text strong data-testid="report-iin-column">
          {report.iin_column}
        </Text>
      ),
    },
    {
      key: 'rows',
      label: t('uploads.report.rows'),
      children: (
        <span style={numeric}>
          {formatCount(report.rows_total, language)}
          {report.rows_blank > 0 ? (
            <Text type="secondary"> · {t('uploads.report.blankSkipped', { count: report.rows_blank })}</Text>
          ) : null}
        </span>
      ),
    },
    { key: 'size', label: t('uploads.report.size'), children: formatBytes(report.size_bytes, language) },
    {
      key: 'dataset',
      label: t('uploads.report.dataset'),
      children: report.dataset ? <Text code>{report.dataset}</Text> : dash,
    },
    {
      key: 'purpose',
      label: t('uploads.purpose'),
      children: (
        <Space size={4} wrap>
          <PurposeTag purpose={report.purpose} />
          <Tag>{t(`uploads.modes.${report.mode}`)}</Tag>
        </Space>
      ),
    },
    {
      key: 'owner',
      label: t('uploads.report.uploadedBy'),
      children: (
        <span>
          {report.owner} · {formatDateTime(report.created_at, language)}
        </span>
      ),
    },
  ];
  return <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 3, xl: 4 }} items={items} />;
}

/** The row number the user sees and the value the file held: the first columns of a row list. */
function rowAndValueColumns<T extends { row: number; value?: string | null }>(
  t: TFunction,
  language: string,
): TableColumnsType<T> {
  return [
    {
      title: t('uploads.report.col.row'),
      dataIndex: 'row',
      key: 'row',
      width: 90,
      align: 'right',
      render: (row: number) => <span style={numeric}>{formatCount(row, language)}</span>,
    },
    {
      title: t('uploads.report.col.value'),
      dataIndex: 'value',
      key: 'value',
      width: 200,
      render: (value: string | null) =>
        value === null || value === '' ? <Text type="secondary">—</Text> : <Text style={mono}>{value}</Text>,
    },
  ];
}

function BadRows({ report }: { report: UploadReport }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'ru';
  const total = report.rows_invalid_format + report.rows_bad_checksum + report.rows_bin + report.rows_empty;
  const columns: TableColumnsType<UploadRowError> = [
    ...rowAndValueColumns<UploadRowError>(t, language),
    {
      title: t('uploads.report.col.reason'),
      key: 'reason',
      render: (_: unknown, error) => (
        <Space size={8}>
          <Tag color={PROBLEM_COLORS[error.problem]} style={{ marginInlineEnd: 0 }}>
            {t(`uploads.report.problems.${error.problem}`)}
          </Tag>
          <Text>{renderCode(t, language, error.code, error.params)}</Text>
        </Space>
      ),
    },
  ];
  return (
    <div>
      <Title level={5} style={{ marginTop: 0 }}>
        {t('uploads.report.errorsTitle')}{' '}
        {total > report.errors.length ? (
          <Text type="secondary" style={{ fontWeight: 'normal', fontSize: 14 }}>
            ({t('uploads.report.errorsShown', { shown: report.errors.length, total: formatCount(total, language) })})
          </Text>
        ) : null}
      </Title>
      {report.errors.length ? (
        <Table<UploadRowError>
          data-testid="report-errors"
          rowKey={(error) => `${error.row}`}
          size="small"
          columns={columns}
          dataSource={report.errors}
          pagination={{ pageSize: 10, hideOnSinglePage: true, showSizeChanger: false }}
          tableLayout="fixed"
        />
      ) : (
        <Text type="secondary" data-testid="report-no-errors">
          {t('uploads.report.noErrors')}
        </Text>
      )}
    </div>
  );
}

/** The first rows whose IIN was fixed (a lost zero, a float, spaces): before, after, the fixes. */
function FixedRows({ report }: { report: UploadReport }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'ru';
  const rows = report.normalized_rows ?? [];
  if (!rows.length) return null;
  const columns: TableColumnsType<UploadNormalizedRow> = [
    ...rowAndValueColumns<UploadNormalizedRow>(t, language),
    {
      title: t('uploads.report.col.iin'),
      dataIndex: 'normalized',
      key: 'normalized',
      width: 160,
      render: (value: string | null) => <Text style={mono}>{value ?? ''}</Text>,
    },
    {
      title: t('uploads.report.col.fixes'),
      key: 'fixes',
      render: (_: unknown, row) => row.fixes.map((code) => renderCode(t, language, code, {})).join('; '),
    },
  ];
  return (
    <div>
      <Title level={5} style={{ marginTop: 0 }}>
        {t('uploads.report.normalizedTitle')}
      </Title>
      <Text type="secondary">{t('uploads.report.normalizedHint')}</Text>
      <Table<UploadNormalizedRow>
        data-testid="report-normalized"
        rowKey={(row) => `${row.row}`}
        size="small"
        columns={columns}
        dataSource={rows}
        pagination={{ pageSize: 5, hideOnSinglePage: true, showSizeChanger: false }}
        tableLayout="fixed"
        style={{ marginTop: 8 }}
      />
    </div>
  );
}

function Preview({ report }: { report: UploadReport }) {
  const { t, i18n } = useTranslation();
  const { token } = theme.useToken();
  const language = i18n.resolvedLanguage ?? 'ru';
  const badRows = useMemo(() => new Set(report.errors.map((error) => error.row)), [report.errors]);
  // The bad rows stand out in the preview as they do in the file.
  const highlight = (row: UploadPreviewRow) =>
    badRows.has(row.row) ? { style: { background: token.colorErrorBg } } : {};
  const columns: TableColumnsType<UploadPreviewRow> = [
    {
      title: t('uploads.report.col.row'),
      dataIndex: 'row',
      key: 'row',
      width: 80,
      align: 'right',
      onCell: highlight,
      render: (row: number) => (
        <Text type="secondary" style={numeric}>
          {formatCount(row, language)}
        </Text>
      ),
    },
    ...report.columns.map((column, index) => {
      const isIin = column.name === report.iin_column;
      return {
        key: `c${index}`,
        title: isIin ? (
          <Tooltip title={t('uploads.report.iinColumn')}>
            <Space size={6} style={{ color: token.colorSuccess }} data-testid="preview-iin-column">
              <IdcardOutlined />
              <span>{column.name}</span>
            </Space>
          </Tooltip>
        ) : (
          column.name
        ),
        ellipsis: true,
        onCell: highlight,
        render: (_: unknown, row: UploadPreviewRow) => {
          const value = row.values[index];
          if (value === null || value === undefined || value === '') return <Text type="secondary">—</Text>;
          return isIin ? <Text style={mono}>{value}</Text> : value;
        },
      };
    }),
  ];
  return (
    <div>
      <Title level={5} style={{ marginTop: 0 }}>
        {t('uploads.report.previewTitle')}
      </Title>
      <Table<UploadPreviewRow>
        data-testid="report-preview"
        rowKey="row"
        size="small"
        columns={columns}
        dataSource={report.preview}
        pagination={false}
        scroll={{ x: Math.max(600, 80 + report.columns.length * 160) }}
      />
    </div>
  );
}

/** The validation report of one upload: what the file was, the counts, the bad rows, a preview. */
export function UploadReportView({ report, onClose }: { report: UploadReport; onClose?: () => void }) {
  const { t } = useTranslation();
  return (
    <Card
      data-testid="upload-report"
      title={
        <Space size={10} wrap>
          <span>{t('uploads.report.title')}</span>
          <Text strong data-testid="report-filename">
            {report.filename}
          </Text>
          <Tag color={report.status === 'ready' ? 'success' : 'error'} data-testid="report-status">
            {t(`uploads.report.status.${report.status}`)}
          </Tag>
        </Space>
      }
      extra={
        onClose ? (
          <Tooltip title={t('uploads.report.close')}>
            <Button type="text" icon={<CloseOutlined />} aria-label={t('uploads.report.close')} onClick={onClose} />
          </Tooltip>
        ) : undefined
      }
    >
      <Space orientation="vertical" size={20} style={{ width: '100%' }}>
        <CountTags report={report} />
        <FileFacts report={report} />
        <BadRows report={report} />
        <FixedRows report={report} />
        <Preview report={report} />
      </Space>
    </Card>
  );
}
