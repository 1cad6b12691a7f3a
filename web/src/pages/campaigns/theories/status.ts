import type { TFunction } from 'i18next';

import { formatDate } from '../../../lib/format';
import type { CampaignSummary } from './api';

/** What a status tag and its hint need of a campaign. */
export type StatusOf = Pick<CampaignSummary, 'status' | 'effective_status' | 'start_date' | 'end_date'>;

/**
 * What a campaign is doing today (`effective_status`: draft, scheduled, active, ended, finished,
 * cancelled) in colours a list can be scanned by: green runs, blue waits, orange needs a hand.
 */
export const STATUS_COLORS: Record<string, string> = {
  draft: 'default',
  deployed: 'blue',
  scheduled: 'blue',
  active: 'green',
  ended: 'orange',
  finished: 'purple',
  cancelled: 'red',
};

export const TYPE_COLORS: Record<string, string> = { RB1: 'geekblue', RB3: 'gold' };

export const CHANNELS = ['push', 'popup', 'sms'] as const;

/** A status's name, stored or effective; an unknown one as the server spelled it. */
export function statusName(status: string, t: TFunction): string {
  return t(`theories.status.${status}`, { defaultValue: status });
}

export function channelName(channel: string, t: TFunction): string {
  return t(`theories.channel.${channel}`, { defaultValue: channel });
}

/** The hint under a status tag: when a deployed campaign starts or ended, and the stored status. */
export function statusHint(campaign: StatusOf, t: TFunction, language: string): string | null {
  const effective = campaign.effective_status;
  const parts: string[] = [];
  if (effective === 'scheduled') parts.push(t('theories.statusHint.scheduled', { date: formatDate(campaign.start_date, language) }));
  if (effective === 'active')
    parts.push(
      t('theories.statusHint.active', {
        start: formatDate(campaign.start_date, language),
        end: formatDate(campaign.end_date, language),
      }),
    );
  if (effective === 'ended') parts.push(t('theories.statusHint.ended', { date: formatDate(campaign.end_date, language) }));
  if (effective !== campaign.status) parts.push(t('theories.statusHint.stored', { status: statusName(campaign.status, t) }));
  return parts.length ? parts.join('. ') : null;
}
