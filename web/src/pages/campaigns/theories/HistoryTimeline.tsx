import { Card, Empty, Flex, Timeline, Typography, theme } from 'antd';
import type { TFunction } from 'i18next';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { formatCount, formatTimestamp } from '../../../lib/format';
import type { CampaignEvent } from './api';
import { statusName } from './status';

const { Text } = Typography;

const KIND_COLORS: Record<string, string> = {
  created: 'gray',
  copied: 'gray',
  updated: 'gray',
  deployed: 'blue',
  status: 'purple',
  members_added: 'green',
  members_removed: 'orange',
  arms_created: 'gray',
};

function campaignLink(code: string) {
  return (
    <Link key={code} to={`/campaigns/${encodeURIComponent(code)}`} style={{ fontFamily: 'monospace' }}>
      {code}
    </Link>
  );
}

function numberOf(value: unknown): number {
  return typeof value === 'number' ? value : Number(value ?? 0) || 0;
}

/** What an event changed, in a line or two (its detail is the server's record of the change). */
function eventDetail(event: CampaignEvent, t: TFunction, language: string): ReactNode {
  const detail = event.detail ?? {};
  const count = (value: unknown) => formatCount(numberOf(value), language);
  switch (event.kind) {
    case 'created':
      // An arm of an A/B/n experiment: created by its lead's "create arm campaigns".
      return typeof detail.experiment === 'string' ? (
        <span>
          {t('theories.history.armCreated', { arm: String(detail.arm ?? '') })}
          {campaignLink(detail.experiment)}
        </span>
      ) : null;
    case 'arms_created':
      return Array.isArray(detail.arms) && detail.arms.length ? (
        <span>
          {t('theories.history.armsCreated')}
          {detail.arms.map((code, index) => (
            <span key={String(code)}>
              {index ? ', ' : null}
              {campaignLink(String(code))}
            </span>
          ))}
        </span>
      ) : null;
    case 'copied':
      return typeof detail.from === 'string' ? (
        <span>
          {t('theories.history.copiedFrom')}
          <Link to={`/campaigns/${encodeURIComponent(detail.from)}`} style={{ fontFamily: 'monospace' }}>
            {detail.from}
          </Link>
        </span>
      ) : null;
    case 'updated':
      return Array.isArray(detail.fields) && detail.fields.length
        ? t('theories.history.fields', { fields: detail.fields.join(', ') })
        : null;
    case 'deployed':
      // An arm's part of its experiment's deploy (the control group is the lead's).
      if (typeof detail.experiment === 'string')
        return (
          <span>
            {t('theories.history.deployedArm', { target: count(detail.target) })}
            {campaignLink(detail.experiment)}
          </span>
        );
      return t('theories.history.deployedSizes', { target: count(detail.target), control: count(detail.control) });
    case 'status': {
      const lines = [
        t('theories.history.statusChange', {
          from: statusName(String(detail.from ?? ''), t),
          to: statusName(String(detail.to ?? ''), t),
        }),
      ];
      if (typeof detail.reason === 'string' && detail.reason) lines.push(t('theories.history.reason', { reason: detail.reason }));
      if (numberOf(detail.rows_released) > 0) lines.push(t('theories.history.released', { n: count(detail.rows_released) }));
      return (
        <Flex vertical>
          {lines.map((line) => (
            <span key={line}>{line}</span>
          ))}
        </Flex>
      );
    }
    case 'members_added':
    case 'members_removed':
      return t('theories.history.membersChanged', {
        group: t(`theories.split.${detail.group === 'control' ? 'control' : 'target'}`),
        changed: count(detail.changed),
        received: count(detail.received),
      });
    default:
      return null;
  }
}

/** The campaign's own story: created, edited, deployed, status changes, member changes — oldest first. */
export function HistoryTimeline({ events }: { events: CampaignEvent[] }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'ru';
  const { token } = theme.useToken();
  return (
    <Card size="small" title={t('theories.history.title')} style={{ height: '100%' }} data-testid="campaign-history">
      {events.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('theories.history.empty')} />
      ) : (
        <Timeline
          style={{ marginTop: 8 }}
          items={events.map((event, index) => {
            const detail = eventDetail(event, t, language);
            return {
              key: `${event.occurred_at}-${index}`,
              color: KIND_COLORS[event.kind] ?? 'gray',
              title: (
                <Text type="secondary" style={{ fontSize: 12, fontVariantNumeric: 'tabular-nums' }}>
                  {formatTimestamp(event.occurred_at, language) ?? event.occurred_at}
                </Text>
              ),
              content: (
                <Flex vertical data-testid="history-event" data-kind={event.kind}>
                  <span>
                    <Text strong>{t(`theories.history.kind.${event.kind}`, { defaultValue: event.kind })}</Text>
                    <Text type="secondary"> · {event.username ?? t('theories.history.system')}</Text>
                  </span>
                  {detail ? <div style={{ color: token.colorTextSecondary }}>{detail}</div> : null}
                </Flex>
              ),
            };
          })}
        />
      )}
    </Card>
  );
}
