import type { components } from '../../api/schema';

export type UploadReport = components['schemas']['UploadReport'];
export type UploadSummary = components['schemas']['UploadSummary'];
export type UploadRejected = components['schemas']['UploadRejected'];
export type UploadQueued = components['schemas']['UploadQueued'];
export type UploadRowError = components['schemas']['RowError'];
export type UploadNormalizedRow = components['schemas']['NormalizedRow'];
export type UploadPreviewRow = components['schemas']['PreviewRow'];
export type Job = components['schemas']['JobOut'];

export type UploadPurpose = UploadSummary['purpose'];
export type UploadMode = UploadSummary['mode'];

/** What the user chose for an upload; `iinColumn` and `sheet` only after the server asked. */
export interface UploadChoices {
  purpose: UploadPurpose;
  mode: UploadMode;
  iinColumn?: string;
  sheet?: string;
}

/** The accepted file types (the server decides by content; this only guides the file picker). */
export const ACCEPTED_EXTENSIONS = ['.csv', '.tsv', '.txt', '.xlsx', '.xls', '.parquet'];
