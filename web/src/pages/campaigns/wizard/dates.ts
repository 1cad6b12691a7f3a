/** The bank judges start dates by its own calendar (Asia/Almaty), whatever the browser's zone. */
export const BANK_TIME_ZONE = 'Asia/Almaty';

/** Today in the bank's time zone, as YYYY-MM-DD. */
export function bankToday(now: Date = new Date()): string {
  // en-CA formats a date as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone: BANK_TIME_ZONE }).format(now);
}

/** An ISO date `days` after another (calendar arithmetic, no time zone involved). */
export function addDays(iso: string, days: number): string {
  const date = new Date(`${iso}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** The date format of the date pickers in the interface language. */
export function dateFormat(language: string): string {
  return language === 'en' ? 'DD/MM/YYYY' : 'DD.MM.YYYY';
}

/** An ISO date as the interface shows it (14.03.2026 / 14/03/2026). */
export function formatDate(iso: string | null | undefined, language: string): string {
  if (!iso) return '—';
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!match) return iso;
  const [, year, month, day] = match;
  return language === 'en' ? `${day}/${month}/${year}` : `${day}.${month}.${year}`;
}
