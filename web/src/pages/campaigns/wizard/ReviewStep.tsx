import { Alert, Card, Col, Descriptions, Flex, Row, Skeleton, Statistic, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';

import { ErrorAlert } from '../../../components/ErrorAlert';
import { formatCount, formatDate, formatNumber, formatPercent, formatPValue } from '../../../lib/format';
import { useCampaignOverlap } from '../audience/api';
import { OverlapView } from '../audience/ReachOverlap';
import { leadOf } from '../theories/api';
import { useDryRun, useStreams } from './api';
import { ArmsReport } from './ArmsReport';
import { reasonText, warningText } from './messages';
import type { CampaignOut, ChannelDropouts, ChosenAudience, DeployReport } from './types';
import { CHANNELS } from './types';

const { Text } = Typography;

/** The order the bank's tables are written in, for a stable listing. */
const TABLE_ORDER = [
  'mb01_camp_dict',
  'rb3_tr_campaign_dict',
  'mb22_local_target',
  'mb21_local_control',
  'fd_rb2_campaigns_users',
  'off_limit_campaigns_users',
  'fd_rb2_pop_up_campaign',
];

interface TableRow {
  table: string;
  rows: number;
}

function ChannelCard({ channel, report, language }: { channel: string; report: ChannelDropouts; language: string }) {
  const { t } = useTranslation();
  const total = report.eligible + report.dropped;
  const reasons = Object.entries(report.reasons).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
  return (
    <Card
      size="small"
      title={t(`campaign.channels.${channel}`, { defaultValue: channel })}
      data-testid={`review-channel-${channel}`}
    >
      <Flex vertical gap={8}>
        <Row gutter={16}>
          <Col span={12}>
            <Statistic
              title={t('campaign.review.eligible')}
              value={formatCount(report.eligible, language)}
              data-testid="channel-eligible"
              data-value={report.eligible}
            />
          </Col>
          <Col span={12}>
            <Statistic
              title={t('campaign.review.dropped')}
              value={formatCount(report.dropped, language)}
              suffix={
                total ? (
                  <Text type="secondary" style={{ fontSize: 14 }}>
                    {formatPercent(report.dropped / total, language)}
                  </Text>
                ) : undefined
              }
              data-testid="channel-dropped"
              data-value={report.dropped}
            />
          </Col>
        </Row>
        {reasons.length ? (
          <ul style={{ margin: 0, paddingLeft: 18 }} aria-label={t('campaign.review.reasons')}>
            {reasons.map(([reason, n]) => (
              <li key={reason} data-testid="dropout-reason" data-reason={reason} data-count={n}>
                {reasonText(reason, t)}: <Text strong>{formatCount(n, language)}</Text>
              </li>
            ))}
          </ul>
        ) : (
          <Text type="secondary">
            {channel === 'popup' ? t('campaign.review.popupAll') : t('campaign.review.noDropouts')}
          </Text>
        )}
      </Flex>
    </Card>
  );
}

function DryRunView({ report, language }: { report: DeployReport; language: string }) {
  const { t } = useTranslation();
  // A table the campaign writes nothing to (RB3 conditions of an RB1, pop-ups without the channel) is left out.
  const tables = Object.entries(report.tables)
    .filter(([, rows]) => rows > 0)
    .sort(
      ([a], [b]) => (TABLE_ORDER.indexOf(a) + 1 || 99) - (TABLE_ORDER.indexOf(b) + 1 || 99),
    );
  const known: string[] = CHANNELS;
  const channels = [
    ...known.filter((channel) => channel in report.channels),
    ...Object.keys(report.channels).filter((channel) => !known.includes(channel)),
  ];
  return (
    <Flex vertical gap={16} data-testid="dry-run">
      <Row gutter={[16, 16]}>
        {channels.map((channel) => {
          const dropouts = report.channels[channel];
          return dropouts ? (
            <Col key={channel} xs={24} md={12} xl={8}>
              <ChannelCard channel={channel} report={dropouts} language={language} />
            </Col>
          ) : null;
        })}
      </Row>
      <ArmsReport report={report} />
      <Card size="small" title={t('campaign.review.tables')}>
        <Table<TableRow>
          size="small"
          pagination={false}
          rowKey="table"
          data-testid="review-tables"
          dataSource={tables.map(([table, rows]) => ({ table, rows }))}
          columns={[
            {
              key: 'table',
              title: t('campaign.review.table'),
              render: (_: unknown, row: TableRow) => (
                <Flex vertical data-testid="review-table" data-table={row.table} data-rows={row.rows}>
                  <Text code>{row.table}</Text>
                  <Text type="secondary" style={{ fontSize: 12 }}>
                    {t(`campaign.tables.${row.table}`, { defaultValue: '' })}
                  </Text>
                </Flex>
              ),
            },
            {
              key: 'rows',
              title: t('campaign.review.rows'),
              align: 'right',
              render: (_: unknown, row: TableRow) => (
                <Text style={{ fontVariantNumeric: 'tabular-nums' }}>{formatCount(row.rows, language)}</Text>
              ),
            },
          ]}
        />
      </Card>
      <Text type="secondary" style={{ fontSize: 12 }} data-testid="dry-run-note">
        {t('campaign.review.dryRunNote', { seconds: formatNumber(report.seconds, language, 3) })}
      </Text>
    </Flex>
  );
}

/** Step 4: the saved draft with its code, and what a deploy would write (a dry run: nothing is written). */
export function ReviewStep({ draft, audience }: { draft: CampaignOut; audience: ChosenAudience | null }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'ru';
  const dryRun = useDryRun(draft);
  const lead = leadOf(draft);
  // Of the draft's audience, who is already in deployed campaigns overlapping its dates.
  const overlap = useCampaignOverlap(draft.code);
  // The draft's and the dry run's, each once.
  const warnings = [
    ...new Map([...draft.warnings, ...(dryRun.data?.warnings ?? [])].map((w) => [w.message, w])).values(),
  ];
  // An arm's split is its lead's (the note says so): neither its own plain split nor the whole experiment's.
  const split = lead ? null : (dryRun.data?.split ?? draft.split);
  // The stream by its name, as the details step lists it: «Путешествия (travel)»; the code alone until known.
  const streams = useStreams(draft.type);
  const stream = streams.data?.find((item) => item.code === draft.stream);
  const streamName = stream ? stream.name_ru || stream.name_kz : '';

  return (
    <Flex vertical gap={16}>
      <Card size="small" title={t('campaign.review.draft')} data-testid="review-draft">
        <Descriptions
          size="small"
          column={{ xs: 1, md: 2, xl: 3 }}
          items={[
            {
              key: 'code',
              label: t('campaign.review.code'),
              children: (
                <Text strong copyable data-testid="review-code">
                  {draft.code}
                </Text>
              ),
            },
            ...(draft.xls_ow_id
              ? [
                  {
                    key: 'xls',
                    label: t('campaign.review.xlsOwId'),
                    children: (
                      <Text strong copyable data-testid="review-xls">
                        {draft.xls_ow_id}
                      </Text>
                    ),
                  },
                ]
              : []),
            {
              key: 'status',
              label: t('campaign.review.status'),
              children: <Tag>{t('campaign.review.statusDraft')}</Tag>,
            },
            { key: 'type', label: t('campaign.details.type'), children: t(`campaign.details.types.${draft.type}`) },
            { key: 'name', label: t('campaign.details.name'), children: draft.name },
            {
              key: 'stream',
              label: t('campaign.details.stream'),
              children: (
                <span data-testid="review-stream">{streamName ? `${streamName} (${draft.stream})` : draft.stream}</span>
              ),
            },
            {
              key: 'channels',
              label: t('campaign.details.channels'),
              children: draft.channels.map((c) => t(`campaign.channels.${c}`, { defaultValue: c })).join(', '),
            },
            {
              key: 'dates',
              label: t('campaign.review.dates'),
              children: `${formatDate(draft.start_date, language)} — ${formatDate(draft.end_date, language)}`,
            },
            {
              key: 'audience',
              label: t('campaign.review.audience'),
              children: audience
                ? `${audience.name} · ${formatCount(audience.size, language)}`
                : (draft.audience_id ?? '—'),
            },
            ...(split
              ? [
                  {
                    key: 'split',
                    label: t('campaign.review.split'),
                    children: (
                      <span data-testid="review-split">
                        {t('campaign.review.splitValue', {
                          target: formatCount(split.target, language),
                          control: formatCount(split.control, language),
                          share: formatPercent(split.observed_control_share, language),
                        })}{' '}
                        <Tag color={split.mismatch ? 'error' : 'success'}>
                          {split.mismatch ? t('campaign.split.srmMismatch') : t('campaign.split.srmOk')} · p ={' '}
                          {formatPValue(split.srm_p_value, language)}
                        </Tag>
                      </span>
                    ),
                  },
                ]
              : []),
            { key: 'seed', label: t('campaign.split.seed'), children: String(draft.split_seed) },
          ]}
        />
      </Card>

      {warnings.length ? (
        <Alert
          type="warning"
          showIcon
          data-testid="review-warnings"
          title={t('campaign.review.warnings')}
          description={
            <ul style={{ margin: 0, paddingLeft: 18 }}>
              {warnings.map((warning) => (
                <li key={warning.message} data-testid="review-warning">
                  {warningText(warning, t, language)}
                </li>
              ))}
            </ul>
          }
        />
      ) : null}

      {overlap.data ? (
        <Card size="small" title={t('audience.overlap.title')} data-testid="review-overlap">
          <OverlapView
            overlap={overlap.data}
            language={language}
            streamLabel={(code) => streams.data?.find((s) => s.code === code)?.name_ru ?? code}
          />
        </Card>
      ) : null}

      <Typography.Title level={5} style={{ margin: 0 }}>
        {t('campaign.review.dryRunTitle')}
      </Typography.Title>
      {lead ? (
        <Alert type="info" showIcon data-testid="review-arm-dry-run" title={t('campaign.review.armDryRun', { lead })} />
      ) : null}
      {dryRun.isPending ? <Skeleton active paragraph={{ rows: 4 }} /> : null}
      {dryRun.isError ? (
        <ErrorAlert
          title={t('campaign.review.dryRunFailed')}
          error={dryRun.error}
          onRetry={() => void dryRun.refetch()}
        />
      ) : null}
      {dryRun.data ? <DryRunView report={dryRun.data} language={language} /> : null}
    </Flex>
  );
}
