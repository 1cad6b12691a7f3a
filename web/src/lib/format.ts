import { localeOf } from '../i18n';

/** U+202F NARROW NO-BREAK SPACE: the thin space Russian typography puts between digit groups. */
export const THIN_SPACE = '\u202f';

/**
 * Format an integer count for the interface language: `20 000` (thin spaces) in Russian,
 * `20,000` in English. Locales whose group separator is a space (ICU uses U+00A0 or U+202F
 * depending on version) always get the thin, non-breaking one, so output is stable everywhere.
 */
export function formatCount(value: number, language: string): string {
  return formatNumber(value, language, 0);
}

/** A number with at most `digits` decimals (`1,832` in Russian), digit groups as in `formatCount`. */
export function formatNumber(value: number, language: string, digits: number): string {
  return new Intl.NumberFormat(localeOf(language), { maximumFractionDigits: digits })
    .formatToParts(value)
    .map((part) => (part.type === 'group' && /\s/.test(part.value) ? THIN_SPACE : part.value))
    .join('');
}

/** A share (a fraction) as a percent without trailing zeros: `20 %`, `12,5 %` (at most `digits` decimals). */
export function formatShare(share: number, language: string, digits = 1): string {
  return new Intl.NumberFormat(localeOf(language), {
    style: 'percent',
    minimumFractionDigits: 0,
    maximumFractionDigits: digits,
  }).format(share);
}

/**
 * Format an ISO date-time compactly (`14.03.2025, 14:30` / `14/03/2025, 14:30`) in the user's time
 * zone (or `timeZone`), or return null for a missing or broken value.
 */
export function formatDateTime(iso: string | null | undefined, language: string, timeZone?: string): string | null {
  if (!iso) return null;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return null;
  return new Intl.DateTimeFormat(localeOf(language), {
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone,
  }).format(date);
}

/**
 * Format an ISO date-time to the second (`14.03.2025, 14:30:05`) in the user's time zone (or
 * `timeZone`), for logs where the order of events within a minute matters; null when missing or broken.
 */
export function formatTimestamp(iso: string | null | undefined, language: string, timeZone?: string): string | null {
  if (!iso) return null;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return null;
  return new Intl.DateTimeFormat(localeOf(language), {
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZone,
  }).format(date);
}
