import type { TFunction } from 'i18next';

import { ApiError, errorMessage } from '../../api/errors';
import { UploadError } from './transport';
import type { UploadReport } from './types';

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
