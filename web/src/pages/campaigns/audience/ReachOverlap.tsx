import { Alert, Flex, Select, Table, Typography, theme } from 'antd';
import { useTranslation } from 'react-i18next';

import { formatCount, formatDate } from '../../../lib/format';
import type { Overlap, OverlapCampaign, PushEventTypeOption, Reachability } from './types';

const { Text } = Typography;
const CHANNELS = ['push', 'sms', 'popup'] as const;

/** «Доступно: Push N · SMS N · Pop-up N» under the funnel, the drop-outs per channel and the push event type. */
export function ReachabilityView({
  reach,
  eventTypes,
  pushEventType,
  onPushEventType,
  language,
}: {
  reach?: Reachability | null;
  eventTypes: PushEventTypeOption[];
  pushEventType: string | null;
  onPushEventType: (code: string | null) => void;
  language: string;
}) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const count = (n: number) => formatCount(n, language);
  const channelName = (channel: string) => t(`campaign.channels.${channel}`, { defaultValue: channel });
  return (
    <Flex
      vertical
      gap={6}
      data-testid="reachability"
      style={{ borderTop: `1px solid ${token.colorSplit}`, paddingTop: 8, marginTop: 8 }}
    >
      <Text type="secondary" style={{ fontSize: 12 }}>
        {t('audience.reach.title')}
      </Text>
      {reach ? (
        <>
          <Text strong data-testid="reach-line">
            {t('audience.reach.line', { push: count(reach.push), sms: count(reach.sms), popup: count(reach.popup) })}
          </Text>
          {CHANNELS.map((channel) => (
            <span key={channel} data-testid={`reach-${channel}`} data-value={reach[channel]} hidden />
          ))}
          <ul style={{ margin: 0, paddingLeft: 18, fontSize: 12 }} aria-label={t('campaign.review.reasons')}>
            {(['push', 'sms'] as const).map((channel) => {
              const reasons = Object.entries(reach.dropouts?.[channel] ?? {})
                .filter(([, n]) => n > 0)
                .sort((a, b) => b[1] - a[1]);
              const dropped = reasons.reduce((sum, [, n]) => sum + n, 0);
              return (
                <li key={channel} data-testid="reach-dropouts" data-channel={channel} data-dropped={dropped}>
                  {dropped
                    ? `${t('audience.reach.dropped', { channel: channelName(channel), n: count(dropped) })}: ${reasons
                        .map(([reason, n]) => `${t(`campaign.reasons.${reason}`, { defaultValue: reason })} ${count(n)}`)
                        .join(', ')}`
                    : `${channelName(channel)}: ${t('audience.reach.none')}`}
                </li>
              );
            })}
          </ul>
        </>
      ) : null}
      <Flex vertical gap={2}>
        <Text style={{ fontSize: 12 }} id="reach-event-type-label">
          {t('audience.reach.eventType')}
        </Text>
        <Select<string>
          size="small"
          allowClear
          aria-labelledby="reach-event-type-label"
          data-testid="reach-event-type"
          placeholder={t('audience.reach.eventTypeNone')}
          value={pushEventType ?? undefined}
          onChange={(value) => onPushEventType(value ?? null)}
          options={eventTypes.map((type) => ({ value: type.code, label: type.name_ru || type.code }))}
        />
        <Text type="secondary" style={{ fontSize: 11 }}>
          {t('audience.reach.eventTypeHint')}
        </Text>
      </Flex>
    </Flex>
  );
}

/**
 * The overlap with deployed campaigns: a warning with the top campaigns and the split per stream
 * when any member is already in one, a quiet line otherwise. Used by the builder, the campaign
 * review and the campaign page.
 */
export function OverlapView({
  overlap,
  language,
  streamLabel = (code) => code,
}: {
  overlap?: Overlap | null;
  language: string;
  /** A stream's name for its code (the code when unknown). */
  streamLabel?: (code: string) => string;
}) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  if (!overlap) return null;
  const count = (n: number) => formatCount(n, language);
  if (overlap.members === 0)
    return (
      <Text type="secondary" style={{ fontSize: 12 }} data-testid="overlap-none">
        {t('audience.overlap.none')}
      </Text>
    );
  const top = Math.max(1, ...overlap.streams.map((s) => s.members));
  return (
    <Alert
      type="warning"
      showIcon
      data-testid="overlap-warning"
      data-members={overlap.members}
      title={t('codes.notice.audience.overlap', {
        members: count(overlap.members),
        campaigns: count(overlap.campaign_count),
      })}
      description={
        <Flex vertical gap={8}>
          <Table<OverlapCampaign>
            size="small"
            pagination={false}
            rowKey="camp_cd"
            data-testid="overlap-campaigns"
            dataSource={overlap.campaigns}
            onRow={(row) => ({ 'data-testid': 'overlap-campaign', 'data-code': row.camp_cd, 'data-members': row.members }) as object}
            columns={[
              {
                key: 'campaign',
                title: t('audience.overlap.campaign'),
                render: (_: unknown, row: OverlapCampaign) => (
                  <Flex vertical>
                    <Text strong style={{ whiteSpace: 'nowrap' }}>
                      {row.camp_cd}
                    </Text>
                    <Text type="secondary" style={{ fontSize: 12 }}>
                      {row.name}
                    </Text>
                    {/* The dates under the name: the builder's aside is narrow. */}
                    <Text type="secondary" style={{ fontSize: 12 }} data-testid="overlap-dates">
                      <span style={{ whiteSpace: 'nowrap' }}>{formatDate(row.start_date, language)} —</span>{' '}
                      <span style={{ whiteSpace: 'nowrap' }}>{formatDate(row.end_date, language)}</span>
                    </Text>
                  </Flex>
                ),
              },
              {
                key: 'stream',
                title: t('audience.overlap.stream'),
                render: (_: unknown, row: OverlapCampaign) => streamLabel(row.stream),
              },
              {
                key: 'members',
                title: t('audience.overlap.members'),
                align: 'right',
                render: (_: unknown, row: OverlapCampaign) => (
                  <Text style={{ fontVariantNumeric: 'tabular-nums' }}>{count(row.members)}</Text>
                ),
              },
            ]}
          />
          {overlap.campaign_count > overlap.campaigns.length ? (
            <Text type="secondary" style={{ fontSize: 12 }}>
              {t('audience.overlap.moreCampaigns', { n: count(overlap.campaign_count) })}
            </Text>
          ) : null}
          <Text style={{ fontSize: 12 }}>{t('audience.overlap.streams')}</Text>
          <ul style={{ listStyle: 'none', margin: 0, padding: 0 }} data-testid="overlap-streams">
            {overlap.streams.map((stream) => (
              <li key={stream.stream} data-testid="overlap-stream" data-stream={stream.stream} data-members={stream.members}>
                <Flex align="center" gap={8}>
                  <Text style={{ width: 120, flex: 'none', fontSize: 12 }} ellipsis={{ tooltip: stream.stream }}>
                    {streamLabel(stream.stream)}
                  </Text>
                  <div aria-hidden style={{ flex: 1, height: 6, background: token.colorFillTertiary, borderRadius: 3 }}>
                    <div
                      style={{ width: `${(stream.members / top) * 100}%`, height: 6, background: token.colorWarning, borderRadius: 3 }}
                    />
                  </div>
                  <Text style={{ width: 64, textAlign: 'right', fontSize: 12, fontVariantNumeric: 'tabular-nums' }}>
                    {count(stream.members)}
                  </Text>
                </Flex>
              </li>
            ))}
          </ul>
        </Flex>
      }
    />
  );
}
