import { formatCount, formatDateTime, formatNumber, formatShare, THIN_SPACE } from './format';

describe('formatCount', () => {
  it('groups digits with thin spaces in Russian and commas in English', () => {
    expect(formatCount(20000, 'ru')).toBe(`20${THIN_SPACE}000`);
    expect(formatCount(15_000_000, 'ru')).toBe(`15${THIN_SPACE}000${THIN_SPACE}000`);
    expect(formatCount(20000, 'en')).toBe('20,000');
    expect(formatCount(999, 'ru')).toBe('999');
    expect(formatCount(0, 'en')).toBe('0');
  });
});

describe('formatNumber and formatShare', () => {
  it('formats measured numbers by the interface language', () => {
    expect(formatNumber(1.832, 'ru', 3)).toBe('1,832');
    expect(formatNumber(1.832, 'en', 3)).toBe('1.832');
    expect(formatNumber(0.033, 'ru', 3)).toBe('0,033');
    expect(formatNumber(1234.5, 'ru', 3)).toBe(`1${THIN_SPACE}234,5`);
  });

  it('shows a share as a percent without trailing zeros', () => {
    expect(formatShare(0.2, 'ru')).toMatch(/^20\s%$/);
    expect(formatShare(0.125, 'ru')).toMatch(/^12,5\s%$/);
    expect(formatShare(0.125, 'en')).toBe('12.5%');
    expect(formatShare(0.12345, 'en', 2)).toBe('12.35%');
  });
});

describe('formatDateTime', () => {
  it('returns null for a missing or broken value', () => {
    expect(formatDateTime(null, 'ru')).toBeNull();
    expect(formatDateTime('not a date', 'en')).toBeNull();
  });

  it('formats a date-time for the language in the given time zone', () => {
    expect(formatDateTime('2025-03-14T09:30:00Z', 'ru', 'Asia/Almaty')).toBe('14.03.2025, 14:30');
    expect(formatDateTime('2025-03-14T09:30:00Z', 'en', 'UTC')).toBe('14/03/2025, 09:30');
  });
});
