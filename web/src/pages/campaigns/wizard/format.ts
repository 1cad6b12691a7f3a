import { localeOf } from '../../../i18n';

export function formatPercent(value: number, language: string, digits = 1): string {
  return new Intl.NumberFormat(localeOf(language), {
    style: 'percent',
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(value);
}

/** The decimal separator of the interface language: `,` in Russian, `.` in English. */
export function decimalSeparator(language: string): string {
  return new Intl.NumberFormat(localeOf(language)).formatToParts(1.5).find((part) => part.type === 'decimal')?.value ?? '.';
}

/**
 * A p-value as statisticians read it: the small ones in scientific notation rather than 0,000
 * (`2,0e-5` in Russian, `2.0e-5` in English).
 */
export function formatPValue(value: number, language: string): string {
  if (value === 0) return '< 1e-300';
  if (value < 0.0001) return value.toExponential(1).replace('.', decimalSeparator(language));
  return new Intl.NumberFormat(localeOf(language), { maximumSignificantDigits: 3 }).format(value);
}

/** The control share (a fraction, what the API takes) as the percent the form shows: 0.205 → 20.5. */
export function shareToPercent(share: number): number {
  return Math.round(share * 1000) / 10;
}

/** A percent typed in the form (at most one decimal kept) as the fraction the API takes: 20.5 → 0.205. */
export function percentToShare(percent: number): number {
  return Math.round(percent * 10) / 1000;
}
