import { localeOf } from '../i18n';
import {
  dateFormat,
  decimalSeparator,
  formatBytes,
  formatCount,
  formatDate,
  formatDateTime,
  formatMoney,
  formatNumber,
  formatPercent,
  formatPValue,
  formatShare,
  formatShortDay,
  formatTimestamp,
  NO_BREAK_SPACE,
  percentToShare,
  shareToPercent,
  THIN_SPACE,
} from './format';

const T = THIN_SPACE;
const NB = NO_BREAK_SPACE;

describe('formatCount', () => {
  it('groups digits with thin spaces in Russian and Kazakh and commas in English', () => {
    expect(formatCount(20000, 'ru')).toBe(`20${T}000`);
    expect(formatCount(15_000_000, 'ru')).toBe(`15${T}000${T}000`);
    expect(formatCount(20000, 'kk')).toBe(`20${T}000`);
    expect(formatCount(15_000_000, 'kk')).toBe(`15${T}000${T}000`);
    expect(formatCount(20000, 'en')).toBe('20,000');
    expect(formatCount(999, 'ru')).toBe('999');
    expect(formatCount(0, 'en')).toBe('0');
  });

  it("formats Kazakh with Kazakhstan's conventions through ru-KZ, which browsers' ICU always has", () => {
    // Chromium's ICU formats kk-KZ as `41,136.5` and `2025-03-14 14:30`; Node's full ICU hides that.
    expect(localeOf('kk')).toBe('ru-KZ');
    expect(localeOf('ru')).toBe('ru-RU');
    expect(localeOf('en')).toBe('en-GB');
  });

  it('falls back to Russian conventions for an unknown language', () => {
    expect(formatCount(1234, 'de')).toBe(`1${T}234`);
  });
});

describe('formatNumber, formatShare and formatPercent', () => {
  it('formats measured numbers by the interface language', () => {
    expect(formatNumber(1.832, 'ru', 3)).toBe('1,832');
    expect(formatNumber(1.832, 'kk', 3)).toBe('1,832');
    expect(formatNumber(1.832, 'en', 3)).toBe('1.832');
    expect(formatNumber(0.033, 'ru', 3)).toBe('0,033');
    expect(formatNumber(1234.5, 'ru', 3)).toBe(`1${T}234,5`);
    expect(formatNumber(1234.5, 'kk', 3)).toBe(`1${T}234,5`);
    expect(formatNumber(1234.5, 'en', 3)).toBe('1,234.5');
  });

  it('shows a share as a percent without trailing zeros', () => {
    expect(formatShare(0.2, 'ru')).toMatch(/^20\s%$/);
    expect(formatShare(0.125, 'ru')).toMatch(/^12,5\s%$/);
    expect(formatShare(0.125, 'kk')).toMatch(/^12,5\s%$/);
    expect(formatShare(0.125, 'en')).toBe('12.5%');
    expect(formatShare(0.12345, 'en', 2)).toBe('12.35%');
  });

  it('shows a percent with a fixed number of decimals, for columns', () => {
    expect(formatPercent(0.2, 'ru')).toMatch(/^20,0\s%$/);
    expect(formatPercent(0.2, 'kk')).toMatch(/^20,0\s%$/);
    expect(formatPercent(0.2, 'en', 2)).toBe('20.00%');
  });

  it('knows the decimal separator of each language', () => {
    expect(decimalSeparator('ru')).toBe(',');
    expect(decimalSeparator('kk')).toBe(',');
    expect(decimalSeparator('en')).toBe('.');
  });
});

describe('formatMoney', () => {
  it('writes tenge after the amount, digit groups per language, decimals only when there are some', () => {
    expect(formatMoney(5000, 'ru')).toBe(`5${T}000${NB}₸`);
    expect(formatMoney(5000, 'kk')).toBe(`5${T}000${NB}₸`);
    expect(formatMoney(5000, 'en')).toBe(`5,000${NB}₸`);
    expect(formatMoney(1234567.5, 'kk')).toBe(`1${T}234${T}567,50${NB}₸`);
    expect(formatMoney(1234567.5, 'en')).toBe(`1,234,567.50${NB}₸`);
    expect(formatMoney(0, 'ru')).toBe(`0${NB}₸`);
  });

  it("takes the API's decimal strings, and refuses what is not an amount", () => {
    expect(formatMoney('5000.00', 'ru')).toBe(`5${T}000${NB}₸`);
    expect(formatMoney('199.90', 'kk')).toBe(`199,90${NB}₸`);
    expect(formatMoney(null, 'ru')).toBeNull();
    expect(formatMoney('', 'ru')).toBeNull();
    expect(formatMoney('abc', 'en')).toBeNull();
  });
});

describe('formatPValue', () => {
  it('formats p-values by the interface language, the small ones in scientific notation', () => {
    expect(formatPValue(0.176, 'ru')).toBe('0,176');
    expect(formatPValue(0.91234, 'kk')).toBe('0,912');
    expect(formatPValue(0.91234, 'en')).toBe('0.912');
    expect(formatPValue(0.00002, 'ru')).toBe('2,0e-5');
    expect(formatPValue(0.00002, 'kk')).toBe('2,0e-5');
    expect(formatPValue(0.00002, 'en')).toBe('2.0e-5');
    expect(formatPValue(0, 'en')).toBe('< 1e-300');
  });
});

describe('formatBytes', () => {
  it('uses binary multiples with the units of the language', () => {
    expect(formatBytes(140, 'ru')).toBe(`140${NB}Б`);
    expect(formatBytes(1.2 * 1024 * 1024, 'kk')).toBe(`1,2${NB}МБ`);
    expect(formatBytes(1.2 * 1024 * 1024, 'en')).toBe(`1.2${NB}MB`);
    expect(formatBytes(50 * 1024 ** 3, 'en')).toBe(`50${NB}GB`);
  });
});

describe('formatDate, formatShortDay and dateFormat', () => {
  it('shows a calendar day per language, whatever the time zone', () => {
    expect(formatDate('2025-03-01', 'ru')).toBe('01.03.2025');
    expect(formatDate('2025-03-01', 'kk')).toBe('01.03.2025');
    expect(formatDate('2025-03-01', 'en')).toBe('01/03/2025');
    expect(formatDate('2025-12-31T23:59:59+06:00', 'kk')).toBe('31.12.2025');
  });

  it('shows a dash for a missing day and a broken one as it came', () => {
    expect(formatDate(null, 'ru')).toBe('—');
    expect(formatDate(undefined, 'kk')).toBe('—');
    expect(formatDate('soon', 'en')).toBe('soon');
  });

  it('shortens days for chart axes', () => {
    expect(formatShortDay('2025-03-14', 'ru')).toBe('14.03');
    expect(formatShortDay('2025-03-14', 'kk')).toBe('14.03');
    expect(formatShortDay('2025-03-14', 'en')).toBe('14/03');
  });

  it('gives the date pickers the same pattern', () => {
    expect(dateFormat('ru')).toBe('DD.MM.YYYY');
    expect(dateFormat('kk')).toBe('DD.MM.YYYY');
    expect(dateFormat('en')).toBe('DD/MM/YYYY');
  });
});

describe('formatDateTime and formatTimestamp', () => {
  it('returns null for a missing or broken value', () => {
    expect(formatDateTime(null, 'ru')).toBeNull();
    expect(formatDateTime('not a date', 'en')).toBeNull();
    expect(formatTimestamp(undefined, 'kk')).toBeNull();
  });

  it('formats a date-time for the language in the given time zone', () => {
    expect(formatDateTime('2025-03-14T09:30:00Z', 'ru', 'Asia/Almaty')).toBe('14.03.2025, 14:30');
    expect(formatDateTime('2025-03-14T09:30:00Z', 'kk', 'Asia/Almaty')).toBe('14.03.2025, 14:30');
    expect(formatDateTime('2025-03-14T09:30:00Z', 'en', 'UTC')).toBe('14/03/2025, 09:30');
  });

  it('keeps the seconds in a timestamp', () => {
    expect(formatTimestamp('2025-03-14T09:30:05Z', 'kk', 'UTC')).toBe('14.03.2025, 09:30:05');
    expect(formatTimestamp('2025-03-14T09:30:05Z', 'en', 'UTC')).toBe('14/03/2025, 09:30:05');
  });
});

describe('campaign wizard share conversion', () => {
  it('turns the typed percent into the fraction the API takes, and back, without float noise', () => {
    expect(percentToShare(20)).toBe(0.2);
    expect(percentToShare(12.5)).toBe(0.125);
    expect(percentToShare(7.25)).toBe(0.073);
    expect(percentToShare(33.3)).toBe(0.333);
    expect(shareToPercent(0.1)).toBe(10);
    expect(shareToPercent(0.205)).toBe(20.5);
    expect(shareToPercent(0.07)).toBe(7);
  });
});
