import type { TFunction } from 'i18next';

import { ApiError, errorMessage } from '../../api/errors';
import { UploadError } from './transport';
import type { UploadReport } from './types';

/**
 * The reasons a row is bad are a known, short list of English sentences: say them in the interface
 * language. A refused file is said from its error code (`errorMessage`).
 */
const REASONS: { pattern: RegExp; key: string; values?: (m: RegExpExecArray) => Record<string, string> }[] = [
  {
    pattern: /^check digit is (\d) but should be (\d)$/,
    key: 'checkDigit',
    values: (m) => ({ actual: m[1] ?? '', expected: m[2] ?? '' }),
  },
  { pattern: /^no check digit is possible/, key: 'noCheckDigit' },
  { pattern: /^has (\d+) digits between separators/, key: 'separatedDigits', values: (m) => ({ n: m[1] ?? '' }) },
  { pattern: /^has (\d+) digits; an IIN has 12/, key: 'digits', values: (m) => ({ n: m[1] ?? '' }) },
  { pattern: /^contains characters other than digits$/, key: 'notDigits' },
  { pattern: /^is a number with a fractional part$/, key: 'fraction' },
  { pattern: /^is a negative number$/, key: 'negative' },
  { pattern: /^is not a whole number$/, key: 'notWhole' },
  { pattern: /^is not a finite number$/, key: 'notFinite' },
  { pattern: /^is a number with more than 12 digits$/, key: 'tooLong' },
  { pattern: /^scientific notation shows only (\d+) digits/, key: 'rounded', values: (m) => ({ n: m[1] ?? '' }) },
  { pattern: /^empty value$/, key: 'empty' },
  { pattern: /^is a BIN \(a legal entity\)/, key: 'bin' },
  { pattern: /^7th digit \(century and gender\) is (\d)/, key: 'century', values: (m) => ({ digit: m[1] ?? '' }) },
  {
    pattern: /^impossible birth date: year (\d+), month (\d+), day (\d+)/,
    key: 'date',
    values: (m) => ({ year: m[1] ?? '', month: m[2] ?? '', day: m[3] ?? '' }),
  },
];

const NORMALISED = '; normalised: ';

/** Why a row is bad (`errors[].reason`), in the interface language when the reason is a known one. */
export function localizeReason(reason: string, t: TFunction): string {
  const cut = reason.indexOf(NORMALISED);
  const main = cut >= 0 ? reason.slice(0, cut) : reason;
  let text = main;
  for (const { pattern, key, values } of REASONS) {
    const match = pattern.exec(main);
    if (match) {
      text = t(`uploads.reasons.${key}`, values ? values(match) : {});
      break;
    }
  }
  if (cut < 0) return text;
  const fixes = reason
    .slice(cut + NORMALISED.length)
    .split(', ')
    .map((fix) => t(`uploads.reasons.fixes.${fix}`, { defaultValue: fix }))
    .join(', ');
  return `${text}; ${t('uploads.reasons.fixed', { fixes })}`;
}

/** What the user must choose before sending the file again. */
export interface Picker {
  kind: 'column' | 'sheet';
  options: string[];
}

export interface UploadProblem {
  title: string;
  /** What went wrong and what to do, in the interface language where known. */
  description: string;
  picker: Picker | null;
  /** The report of a file the server read and rejected (strict mode, no valid IIN). */
  report: UploadReport | null;
}

/** Turn anything an upload may throw into what the page shows: a title, an explanation, a picker. */
export function describeUploadProblem(error: unknown, t: TFunction): UploadProblem {
  const base: UploadProblem = {
    title: t('uploads.errors.failed'),
    description: '',
    picker: null,
    report: null,
  };
  if (!(error instanceof ApiError)) return { ...base, description: errorMessage(error, t) };
  if (error.status === 401) return { ...base, description: t('errors.unauthenticated') };
  const description = errorMessage(error, t);
  if (error.status === 413) return { ...base, title: t('uploads.errors.tooLarge'), description };
  if (error.status === 415) return { ...base, title: t('uploads.errors.unsupported'), description };
  if (error.status !== 422) return { ...base, description };

  const rejection = error instanceof UploadError ? error.rejection : null;
  if (rejection?.report) {
    return { ...base, title: t('uploads.errors.rejected'), description, report: rejection.report };
  }
  if (rejection?.candidates?.length || rejection?.columns?.length) {
    const ambiguous = error.code === 'upload.several_iin_columns';
    const none = error.code === 'upload.no_iin_column';
    // Ambiguous: only the likely columns. Otherwise every column, the likely ones first.
    const likely = rejection.candidates ?? [];
    const options = ambiguous ? likely : [...new Set([...likely, ...(rejection.columns ?? [])])];
    const title = ambiguous
      ? t('uploads.errors.ambiguousColumn')
      : none
        ? t('uploads.errors.noColumn')
        : t('uploads.errors.missingColumn');
    return { ...base, title, picker: { kind: 'column', options } };
  }
  if (rejection?.sheets?.length) {
    return {
      ...base,
      title: t('uploads.errors.chooseSheet'),
      picker: { kind: 'sheet', options: rejection.sheets },
    };
  }
  return { ...base, title: t('uploads.errors.invalid'), description };
}
