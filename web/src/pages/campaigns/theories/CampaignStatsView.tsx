import { QuestionCircleOutlined } from '@ant-design/icons';
import { Card, Col, Descriptions, Empty, Flex, Row, Table, Tag, Tooltip, Typography } from 'antd';
import { useCallback, useMemo } from 'react';
import { useTranslation } from 'react-i18next';

import { formatCount, formatDate, formatPValue, formatShare } from '../../../lib/format';
import { EChart } from '../../../components/EChart';
import type { CampaignStats, ChannelDropouts, SplitResult } from './api';
import { campaignContactsOption } from './charts';
import { CHANNELS, channelName } from './status';
import { useChartColors } from './useChartColors';

const { Text } = Typography;

const NUMBER_STYLE = { fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' } as const;

/** Target and control sizes, the planned and observed control share, the sample-ratio check. */
export function SplitCard({ split }: { split: SplitResult | null }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'ru';
  return (
    <Card size="small" title={t('theories.split.title')} style={{ height: '100%' }} data-testid="campaign-split">
      {split ? (
        <Flex vertical gap={10}>
          <Descriptions
            size="small"
            column={1}
            items={[
              {
                key: 'target',
                label: t('theories.split.target'),
                children: (
                  <span style={NUMBER_STYLE} data-testid="split-target">
                    {formatCount(split.target, language)}
                  </span>
                ),
              },
              {
                key: 'control',
                label: t('theories.split.control'),
                children: (
                  <span style={NUMBER_STYLE} data-testid="split-control">
                    {formatCount(split.control, language)}
                  </span>
                ),
              },
              {
                key: 'share',
                label: t('theories.split.intended'),
                children: (
                  <span style={NUMBER_STYLE}>
                    {formatShare(split.control_share, language)} · {t('theories.split.observed')}{' '}
                    {formatShare(split.observed_control_share, language, 2)}
                  </span>
                ),
              },
              {
                key: 'p',
                label: t('theories.split.pValue'),
                children: (
                  <span style={NUMBER_STYLE} data-testid="split-p-value">
                    {formatPValue(split.srm_p_value, language)}
                  </span>
                ),
              },
            ]}
          />
          <Flex wrap gap={6} align="center">
            {split.mismatch ? (
              <Tooltip title={t('theories.split.mismatchHint')}>
                <Tag color="red" data-testid="split-verdict" style={{ marginInlineEnd: 0 }}>
                  {t('theories.split.mismatch')}
                </Tag>
              </Tooltip>
            ) : (
              <Tag color="green" data-testid="split-verdict" style={{ marginInlineEnd: 0 }}>
                {t('theories.split.ok')}
              </Tag>
            )}
            <Text type="secondary" style={{ fontSize: 12 }}>
              {split.source === 'tables' ? t('theories.split.sourceTables') : t('theories.split.sourceAudience')}
            </Text>
          </Flex>
        </Flex>
      ) : (
        <Text type="secondary">{t('theories.split.none')}</Text>
      )}
    </Card>
  );
}

/** Members per group and delivery rows per channel. */
export function SizesCard({ stats, channels }: { stats: CampaignStats; channels: string[] }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'ru';
  // The campaign's channels first, in the usual order, then any other that has rows.
  const shown = [
    ...CHANNELS.filter((channel) => channels.includes(channel) || stats.channels[channel]),
    ...Object.keys(stats.channels).filter((channel) => !(CHANNELS as readonly string[]).includes(channel)),
  ];
  const delivered = Object.values(stats.channels).some((rows) => rows > 0);
  return (
    <Card size="small" title={t('theories.sizes.title')} style={{ height: '100%' }} data-testid="campaign-sizes">
      <Descriptions
        size="small"
        column={1}
        items={[
          ...(['target', 'control'] as const).map((group) => ({
            key: group,
            label: t(`theories.split.${group}`),
            children: (
              <span style={NUMBER_STYLE} data-testid={`group-${group}`}>
                {formatCount(stats.groups[group] ?? 0, language)}
              </span>
            ),
          })),
          ...shown.map((channel) => ({
            key: `channel-${channel}`,
            label: `${channelName(channel, t)} · ${t('theories.sizes.rows').toLowerCase()}`,
            children: (
              <span style={NUMBER_STYLE} data-testid={`channel-${channel}`}>
                {formatCount(stats.channels[channel] ?? 0, language)}
              </span>
            ),
          })),
        ]}
      />
      {delivered ? null : (
        <Text type="secondary" style={{ fontSize: 12 }}>
          {t('theories.sizes.noDelivery')}
        </Text>
      )}
    </Card>
  );
}

/** Per channel: delivered, dropped, and why (summed over the deploy and later additions). */
export function DropoutsCard({ dropouts }: { dropouts: Record<string, ChannelDropouts> }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'ru';
  const rows = Object.entries(dropouts).map(([channel, value]) => ({ channel, ...value }));
  return (
    <Card
      size="small"
      title={t('theories.dropouts.title')}
      extra={
        <Tooltip title={t('theories.dropouts.hint')}>
          <QuestionCircleOutlined aria-label={t('theories.dropouts.hint')} style={{ color: 'inherit', cursor: 'help' }} />
        </Tooltip>
      }
      style={{ height: '100%' }}
      styles={{ body: { padding: rows.length ? 0 : undefined } }}
      data-testid="campaign-dropouts"
    >
      {rows.length === 0 ? (
        <Text type="secondary">{t('theories.dropouts.empty')}</Text>
      ) : (
        <Table
          size="small"
          rowKey="channel"
          pagination={false}
          dataSource={rows}
          columns={[
            {
              title: t('theories.dropouts.channel'),
              dataIndex: 'channel',
              key: 'channel',
              width: 90,
              render: (channel: string) => channelName(channel, t),
            },
            {
              title: t('theories.dropouts.eligible'),
              dataIndex: 'eligible',
              key: 'eligible',
              align: 'right',
              width: 110,
              render: (n: number) => <span style={NUMBER_STYLE}>{formatCount(n, language)}</span>,
            },
            {
              title: t('theories.dropouts.dropped'),
              dataIndex: 'dropped',
              key: 'dropped',
              align: 'right',
              width: 90,
              render: (n: number, row) => (
                <Tooltip
                  title={
                    Object.keys(row.reasons).length ? (
                      <Flex vertical>
                        {Object.entries(row.reasons).map(([reason, count]) => (
                          <span key={reason}>
                            {t(`theories.dropouts.reason.${reason}`, { defaultValue: reason })}: {formatCount(count, language)}
                          </span>
                        ))}
                      </Flex>
                    ) : null
                  }
                >
                  <Text type={n > 0 ? 'warning' : 'secondary'} style={NUMBER_STYLE} data-testid={`dropped-${row.channel}`}>
                    {formatCount(n, language)}
                  </Text>
                </Tooltip>
              ),
            },
          ]}
        />
      )}
    </Card>
  );
}

/** Contacts per day, stacked by channel. */
export function ContactsCard({ stats }: { stats: CampaignStats }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'ru';
  const colors = useChartColors();
  const rows = stats.contacts_per_day;
  const channelLabel = useCallback((channel: string) => channelName(channel, t), [t]);
  const option = useMemo(
    () =>
      campaignContactsOption(
        rows,
        language,
        colors,
        channelLabel,
      ),
    [rows, language, colors, channelLabel],
  );
  const days = Array.from(new Set(rows.map((row) => row.day))).sort();
  const total = rows.reduce((sum, row) => sum + row.count, 0);
  return (
    <Card size="small" title={t('theories.contacts.title')} data-testid="campaign-contacts">
      {rows.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('theories.contacts.empty')} />
      ) : (
        <EChart
          option={option}
          height={220}
          label={t('theories.contacts.label', {
            total: formatCount(total, language),
            days: days.length,
            from: formatDate(days[0], language),
            to: formatDate(days[days.length - 1], language),
          })}
        />
      )}
    </Card>
  );
}

/** The statistics block of a campaign's page. */
export function CampaignStatsView({ stats, channels }: { stats: CampaignStats; channels: string[] }) {
  return (
    <Flex vertical gap={16}>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={8}>
          <SplitCard split={stats.split} />
        </Col>
        <Col xs={24} lg={8}>
          <SizesCard stats={stats} channels={channels} />
        </Col>
        <Col xs={24} lg={8}>
          <DropoutsCard dropouts={stats.dropouts} />
        </Col>
      </Row>
      <ContactsCard stats={stats} />
    </Flex>
  );
}
