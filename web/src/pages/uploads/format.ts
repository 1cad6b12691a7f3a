import { localeOf } from '../../i18n';
import type { UploadPurpose } from './types';

export const PURPOSE_COLORS: Record<UploadPurpose, string> = {
  audience: 'geekblue',
  suppression: 'volcano',
};

const UNITS = {
  ru: ['Б', 'КБ', 'МБ', 'ГБ'],
  en: ['B', 'KB', 'MB', 'GB'],
};

/** A size for people: `140 Б`, `1,2 МБ` (binary multiples, as the upload limit is counted). */
export function formatBytes(bytes: number, language: string): string {
  const units = language === 'en' ? UNITS.en : UNITS.ru;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const number = new Intl.NumberFormat(localeOf(language), { maximumFractionDigits: unit === 0 ? 0 : 1 }).format(value);
  return `${number}\u00a0${units[unit]}`;
}
