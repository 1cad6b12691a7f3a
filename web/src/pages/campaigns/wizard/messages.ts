/**
 * The server's warnings come with a code and parameters (`notice.*`, texts in i18n/codes/notices.ts);
 * the campaign ones whose params need formatting (dates, channel names) are rendered here.
 */
import type { TFunction } from 'i18next';

import { renderCode } from '../../../i18n/codes/render';
import { formatCount, formatDate } from '../../../lib/format';
import type { Notice } from './types';

type Params = NonNullable<Notice['params']>;
type Render = (params: Params, t: TFunction, language: string) => string;

const WARNINGS: Record<string, Render> = {
  'notice.campaign.sms_segments': (p, t) =>
    t('codes.notice.campaign.sms_segments', {
      language: t(`campaign.details.language.${p.language}`, { defaultValue: String(p.language) }),
      segments: p.segments,
      characters: p.characters,
      encoding: String(p.encoding).toUpperCase(),
      single: p.single,
    }),
  'notice.campaign.no_control': (_p, t) => t('codes.notice.campaign.no_control'),
  'notice.campaign.audience_empty': (_p, t) => t('codes.notice.campaign.audience_empty'),
  'notice.campaign.audience_gone': (p, t) => t('codes.notice.campaign.audience_gone', { id: p.audience_id }),
  'notice.campaign.start_passed': (p, t, language) =>
    t('codes.notice.campaign.start_passed', { date: formatDate(String(p.start_date), language) }),
  'notice.campaign.target_empty': (_p, t) => t('codes.notice.campaign.target_empty'),
  'notice.campaign.channel_dropouts': (p, t, language) =>
    t('codes.notice.campaign.channel_dropouts', {
      channel: t(`campaign.channels.${p.channel}`, { defaultValue: String(p.channel) }),
      dropped: formatCount(Number(p.dropped), language),
      total: formatCount(Number(p.total), language),
    }),
};

export function warningText(notice: Notice, t: TFunction, language: string): string {
  const render = WARNINGS[notice.code];
  return render ? render(notice.params ?? {}, t, language) : renderCode(t, language, notice.code, notice.params, notice.message);
}

/** A drop-out reason (`no_p_sid`, …) in words. */
export function reasonText(reason: string, t: TFunction): string {
  return t(`campaign.reasons.${reason}`, { defaultValue: reason });
}
