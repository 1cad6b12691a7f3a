/**
 * The server's warnings and job messages are English sentences; the known ones are told in the
 * interface language, anything else is shown as the server wrote it.
 */
import type { TFunction } from 'i18next';

import { formatCount } from '../../../lib/format';
import { formatDate } from './dates';

type Rule = [RegExp, (match: RegExpMatchArray, t: TFunction, language: string) => string];

const WARNINGS: Rule[] = [
  [
    /^SMS text \((\w+)\) takes (\d+) segments: (\d+) characters in (\w+), one segment holds (\d+)$/,
    (m, t) =>
      t('campaign.warnings.smsSegments', {
        language: t(`campaign.details.language.${m[1]}`, { defaultValue: m[1] }),
        segments: m[2],
        characters: m[3],
        encoding: m[4],
        single: m[5],
      }),
  ],
  [/^control_share is 0\b/, (_m, t) => t('campaign.warnings.noControl')],
  [/^the saved audience is empty$/, (_m, t) => t('campaign.warnings.audienceEmpty')],
  [/^the saved audience (\S+) no longer exists$/, (m, t) => t('campaign.warnings.audienceGone', { id: m[1] })],
  [
    /^start_date (\d{4}-\d{2}-\d{2}) has passed/,
    (m, t, language) => t('campaign.warnings.startPassed', { date: formatDate(m[1], language) }),
  ],
  [/^the target group is empty$/, (_m, t) => t('campaign.warnings.targetEmpty')],
  [
    /^(\w+): (\d+) of (\d+) targets drop out$/,
    (m, t, language) =>
      t('campaign.warnings.dropouts', {
        channel: t(`campaign.channels.${m[1]}`, { defaultValue: m[1] }),
        dropped: formatCount(Number(m[2]), language),
        total: formatCount(Number(m[3]), language),
      }),
  ],
];

const JOB_STEPS: Rule[] = [
  [/^splitting the audience$/, (_m, t) => t('campaign.deploy.jobSteps.splitting')],
  [/^writing (\w+)$/, (m, t) => t('campaign.deploy.jobSteps.writing', { table: m[1] })],
  [/^written (\w+)$/, (m, t) => t('campaign.deploy.jobSteps.written', { table: m[1] })],
  [/^committing$/, (_m, t) => t('campaign.deploy.jobSteps.committing')],
];

function translate(rules: Rule[], text: string, t: TFunction, language: string): string {
  for (const [pattern, render] of rules) {
    const match = text.match(pattern);
    if (match) return render(match, t, language);
  }
  return text;
}

export function warningText(text: string, t: TFunction, language: string): string {
  return translate(WARNINGS, text, t, language);
}

export function jobStepText(text: string, t: TFunction, language: string): string {
  return translate(JOB_STEPS, text, t, language);
}

/** A drop-out reason (`no_p_sid`, …) in words. */
export function reasonText(reason: string, t: TFunction): string {
  return t(`campaign.reasons.${reason}`, { defaultValue: reason });
}
