import { localeOf } from '../../../i18n';

export function formatPercent(value: number, language: string, digits = 1): string {
  return new Intl.NumberFormat(localeOf(language), {
    style: 'percent',
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(value);
}

/** A p-value as statisticians read it: the small ones in scientific notation rather than 0,000. */
export function formatPValue(value: number, language: string): string {
  if (value === 0) return '< 1e-300';
  if (value < 0.0001) return value.toExponential(1);
  return new Intl.NumberFormat(localeOf(language), { maximumSignificantDigits: 3 }).format(value);
}
