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
