import type { TFunction } from 'i18next';

import { ApiError, isNetworkError } from '../../api/errors';
import { UploadError } from './transport';
import type { UploadReport } from './types';

/** A server detail about a whole file, in the interface language when it is a known one. */
const DETAILS: { pattern: RegExp; key: string; values?: (m: RegExpExecArray) => Record<string, string> }[] = [
  {
    pattern: /^strict mode: (\d+) of (\d+) rows/,
    key: 'strict',
    values: (m) => ({ bad: m[1] ?? '', total: m[2] ?? '' }),
  },
  { pattern: /^the file has no valid IIN/, key: 'noValid' },
  { pattern: /^the file has no rows of data/, key: 'noRows' },
  { pattern: /^the file is empty$/, key: 'empty' },
  { pattern: /workbook (is damaged|cannot be read)/, key: 'damagedWorkbook' },
  { pattern: /password-protected/, key: 'password' },
  { pattern: /^the file is binary/, key: 'binary' },
  { pattern: /^the file is an? (PNG|JPEG|GIF) image/, key: 'image' },
  { pattern: /^the file is an? .*archive/, key: 'archive' },
  { pattern: /\(\.xlsb\)/, key: 'xlsb' },
  { pattern: /OpenDocument/, key: 'ods' },
];

function localizeDetail(detail: string, t: TFunction): string | null {
  for (const { pattern, key, values } of DETAILS) {
    const match = pattern.exec(detail);
    if (match) return t(`uploads.details.${key}`, values ? values(match) : {});
  }
  return null;
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
  if (!(error instanceof ApiError)) {
    const text = isNetworkError(error) ? t('errors.network') : error instanceof Error ? error.message : String(error);
    return { ...base, description: text };
  }
  const detail = error.message;
  const known = localizeDetail(detail, t);
  const withDetail = (description: string | null) => ({ description: description ?? detail });
  if (error.status === 401) return { ...base, description: t('errors.unauthenticated') };
  if (error.status === 413) {
    const limit = /larger than (\d+) MB/.exec(detail)?.[1];
    return {
      ...base,
      title: t('uploads.errors.tooLarge'),
      ...withDetail(limit ? t('uploads.errors.tooLargeLimit', { mb: limit }) : null),
    };
  }
  if (error.status === 415) {
    const hint = t('uploads.errors.unsupportedHint');
    return {
      ...base,
      title: t('uploads.errors.unsupported'),
      ...withDetail(known ? `${known} ${hint}` : null),
    };
  }
  if (error.status !== 422) return { ...base, ...withDetail(known) };

  const rejection = error instanceof UploadError ? error.rejection : null;
  if (rejection?.report) {
    return { ...base, title: t('uploads.errors.rejected'), ...withDetail(known), report: rejection.report };
  }
  if (rejection?.candidates?.length || rejection?.columns?.length) {
    const ambiguous = /more than one column holds IINs/.test(detail);
    const none = /no column looks like IINs/.test(detail);
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
  return { ...base, title: t('uploads.errors.invalid'), ...withDetail(known) };
}
