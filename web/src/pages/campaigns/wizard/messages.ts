/**
 * The server's warnings come with a code and parameters, told here in the interface language (an
 * unknown code shows the server's English message). Job progress messages are English sentences;
 * the known ones are translated, anything else is shown as the server wrote it.
 */
import type { TFunction } from 'i18next';

import { formatCount, formatDate } from '../../../lib/format';
import type { Notice } from './types';

type Params = NonNullable<Notice['params']>;
type Render = (params: Params, t: TFunction, language: string) => string;

const WARNINGS: Record<string, Render> = {
  sms_segments: (p, t) =>
    t('campaign.warnings.smsSegments', {
      language: t(`campaign.details.language.${p.language}`, { defaultValue: String(p.language) }),
      segments: p.segments,
      characters: p.characters,
      encoding: String(p.encoding).toUpperCase(),
      single: p.single,
    }),
  no_control: (_p, t) => t('campaign.warnings.noControl'),
  audience_empty: (_p, t) => t('campaign.warnings.audienceEmpty'),
  audience_gone: (p, t) => t('campaign.warnings.audienceGone', { id: p.audience_id }),
  start_passed: (p, t, language) =>
    t('campaign.warnings.startPassed', { date: formatDate(String(p.start_date), language) }),
  target_empty: (_p, t) => t('campaign.warnings.targetEmpty'),
  channel_dropouts: (p, t, language) =>
    t('campaign.warnings.dropouts', {
      channel: t(`campaign.channels.${p.channel}`, { defaultValue: String(p.channel) }),
      dropped: formatCount(Number(p.dropped), language),
      total: formatCount(Number(p.total), language),
    }),
};

export function warningText(notice: Notice, t: TFunction, language: string): string {
  const render = WARNINGS[notice.code];
  return render ? render(notice.params ?? {}, t, language) : notice.message;
}

/** A drop-out reason (`no_p_sid`, …) in words. */
export function reasonText(reason: string, t: TFunction): string {
  return t(`campaign.reasons.${reason}`, { defaultValue: reason });
}
