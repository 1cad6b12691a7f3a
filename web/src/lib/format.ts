/**
 * Every number, amount, percent, size and date the interface shows, formatted for the interface
 * language (ru, kk or en) through Intl with the locale `localeOf` names. Pages format through these
 * functions only, so that a language's conventions live in one place.
 */
import { localeOf } from '../i18n';

/** U+202F NARROW NO-BREAK SPACE: the thin space Russian and Kazakh typography put between digit groups. */
export const THIN_SPACE = '\u202f';

/** U+00A0 NO-BREAK SPACE: keeps a unit (₸, МБ) on the line of its number. */
export const NO_BREAK_SPACE = '\u00a0';

/** The tenge sign, after the amount in every language (`5 000 ₸`, `5,000 ₸`), as the bank prints it. */
export const TENGE = '₸';

function numberFormat(language: string, options: Intl.NumberFormatOptions): (value: number) => string {
  const format = new Intl.NumberFormat(localeOf(language), options);
  // Locales whose group separator is a space (ICU uses U+00A0 or U+202F depending on its version)
  // always get the thin, non-breaking one, so output is the same in every browser.
  return (value) =>
    format
      .formatToParts(value)
      .map((part) => (part.type === 'group' && /\s/.test(part.value) ? THIN_SPACE : part.value))
      .join('');
}

/** An integer count: `20 000` (thin spaces) in Russian and Kazakh, `20,000` in English. */
export function formatCount(value: number, language: string): string {
  return formatNumber(value, language, 0);
}

/** A number with at most `digits` decimals (`1,832` in Russian and Kazakh), digit groups as in `formatCount`. */
export function formatNumber(value: number, language: string, digits: number): string {
  return numberFormat(language, { maximumFractionDigits: digits })(value);
}

/**
 * An amount of tenge: `5 000 ₸`, `1 234,50 ₸` (ru, kk), `5,000 ₸` (en). Whole amounts without
 * decimals, others with two. Takes the API's decimal strings (`"5000.00"`) as they come; null for
 * a missing or broken amount.
 */
export function formatMoney(amount: number | string | null | undefined, language: string): string | null {
  if (amount === null || amount === undefined || amount === '') return null;
  const value = typeof amount === 'number' ? amount : Number(amount);
  if (!Number.isFinite(value)) return null;
  const decimals = Number.isInteger(value) ? 0 : 2;
  const number = numberFormat(language, { minimumFractionDigits: decimals, maximumFractionDigits: decimals })(value);
  return `${number}${NO_BREAK_SPACE}${TENGE}`;
}

/** A share (a fraction) as a percent without trailing zeros: `20 %`, `12,5 %` (ru, kk), `12.5%` (en). */
export function formatShare(share: number, language: string, digits = 1): string {
  return new Intl.NumberFormat(localeOf(language), {
    style: 'percent',
    minimumFractionDigits: 0,
    maximumFractionDigits: digits,
  }).format(share);
}

/** A fraction as a percent with exactly `digits` decimals, for columns that should line up: `20,0 %`. */
export function formatPercent(share: number, language: string, digits = 1): string {
  return new Intl.NumberFormat(localeOf(language), {
    style: 'percent',
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(share);
}

/** The control share (a fraction, what the API takes) as the percent the form shows: 0.205 → 20.5. */
export function shareToPercent(share: number): number {
  return Math.round(share * 1000) / 10;
}

/** A percent typed in the form (at most one decimal kept) as the fraction the API takes: 20.5 → 0.205. */
export function percentToShare(percent: number): number {
  return Math.round(percent * 10) / 1000;
}

/** The decimal separator of the interface language: `,` in Russian and Kazakh, `.` in English. */
export function decimalSeparator(language: string): string {
  return new Intl.NumberFormat(localeOf(language)).formatToParts(1.5).find((part) => part.type === 'decimal')?.value ?? '.';
}

/**
 * A p-value as statisticians read it: three significant digits, the small ones in scientific
 * notation rather than 0,000 (`2,0e-5` in Russian and Kazakh, `2.0e-5` in English).
 */
export function formatPValue(value: number, language: string): string {
  if (value === 0) return '< 1e-300';
  if (value < 0.0001) return value.toExponential(1).replace('.', decimalSeparator(language));
  return new Intl.NumberFormat(localeOf(language), { maximumSignificantDigits: 3 }).format(value);
}

const CYRILLIC_BYTE_UNITS = ['Б', 'КБ', 'МБ', 'ГБ'];
const LATIN_BYTE_UNITS = ['B', 'KB', 'MB', 'GB'];

/** A size for people: `140 Б`, `1,2 МБ` (binary multiples, as the upload limit is counted). */
export function formatBytes(bytes: number, language: string): string {
  // Russian and Kazakh abbreviate bytes alike.
  const units = language === 'en' ? LATIN_BYTE_UNITS : CYRILLIC_BYTE_UNITS;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${formatNumber(value, language, unit === 0 ? 0 : 1)}${NO_BREAK_SPACE}${units[unit]}`;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})/;

/** A calendar day (YYYY-MM-DD, a time part ignored) as a UTC instant, so no time zone moves it. */
function calendarDay(iso: string): Date | null {
  const match = ISO_DATE.exec(iso);
  if (!match) return null;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return Number.isNaN(date.getTime()) ? null : date;
}

/** A calendar date (`2026-03-14`) as the interface shows it: 14.03.2026 (ru, kk), 14/03/2026 (en); `—` when missing. */
export function formatDate(iso: string | null | undefined, language: string): string {
  if (!iso) return '—';
  const date = calendarDay(iso);
  if (!date) return iso;
  return new Intl.DateTimeFormat(localeOf(language), {
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(date);
}

/** A short day for chart axes: `14.03` (ru, kk), `14/03` (en). */
export function formatShortDay(iso: string, language: string): string {
  const date = calendarDay(iso);
  if (!date) return iso;
  return new Intl.DateTimeFormat(localeOf(language), { day: '2-digit', month: '2-digit', timeZone: 'UTC' }).format(date);
}

/** The dayjs pattern of the date pickers, matching `formatDate`. */
export function dateFormat(language: string): string {
  return language === 'en' ? 'DD/MM/YYYY' : 'DD.MM.YYYY';
}

function dateTimeFormat(language: string, withSeconds: boolean, timeZone?: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat(localeOf(language), {
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    ...(withSeconds ? { second: '2-digit' } : {}),
    hourCycle: 'h23',
    timeZone,
  });
}

function instant(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

/**
 * An ISO date-time, compactly (`14.03.2025, 14:30` / `14/03/2025, 14:30`), in the user's time zone
 * (or `timeZone`); null for a missing or broken value.
 */
export function formatDateTime(iso: string | null | undefined, language: string, timeZone?: string): string | null {
  const date = instant(iso);
  return date ? dateTimeFormat(language, false, timeZone).format(date) : null;
}

/**
 * An ISO date-time to the second (`14.03.2025, 14:30:05`) in the user's time zone (or `timeZone`),
 * for logs where the order of events within a minute matters; null when missing or broken.
 */
export function formatTimestamp(iso: string | null | undefined, language: string, timeZone?: string): string | null {
  const date = instant(iso);
  return date ? dateTimeFormat(language, true, timeZone).format(date) : null;
}
