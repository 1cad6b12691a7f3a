import { ApiError, toApiError } from '../../api/errors';
import { session } from '../../auth/session';
import { type FollowOptions, followJob, STATUS_OF_JOB_ERROR } from '../../lib/jobs';
import type { UploadChoices, UploadQueued, UploadRejected, UploadReport } from './types';

export const UPLOADS_PATH = '/api/v1/uploads';

/**
 * A failed upload: the server's error and, for a 422, what it says besides the detail — the
 * candidate IIN columns, the workbook's sheets, or the report of a file it read and rejected.
 */
export class UploadError extends ApiError {
  readonly rejection: UploadRejected | null;

  constructor(error: ApiError, rejection: UploadRejected | null) {
    super(error.message, error.status, error.errorClass, error.code, error.params, error.errors);
    this.name = 'UploadError';
    this.rejection = rejection;
  }
}

function rejectionOf(body: unknown): UploadRejected | null {
  if (!body || typeof body !== 'object') return null;
  const record = body as Record<string, unknown>;
  return typeof record.error === 'string' && typeof record.detail === 'string' ? (body as UploadRejected) : null;
}

function uploadError(body: unknown, status: number, statusText = ''): UploadError {
  // A Response only takes statuses 200–599; anything else is a broken answer.
  const response = new Response(null, { status: status >= 200 && status <= 599 ? status : 500, statusText });
  return new UploadError(toApiError(body, response), rejectionOf(body));
}

export type SendResult = { status: 201; report: UploadReport } | { status: 202; queued: UploadQueued };

export interface SendOptions {
  /** Bytes of the request body sent so far (XMLHttpRequest upload progress). */
  onProgress?: (loaded: number, total: number) => void;
  /** Every byte is sent: the server is reading and checking the file now. */
  onSent?: () => void;
  signal?: AbortSignal;
}

interface RawAnswer {
  status: number;
  statusText: string;
  body: unknown;
}

function abortError(): DOMException {
  return new DOMException('The upload was cancelled', 'AbortError');
}

export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

function parseBody(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * One POST of the form through XMLHttpRequest: fetch cannot report upload progress (a streamed
 * request body needs HTTP/2), and a 50 MB file deserves a progress bar.
 */
function postForm(form: FormData, token: string | null, options: SendOptions): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(abortError());
      return;
    }
    const xhr = new XMLHttpRequest();
    const onAbort = () => xhr.abort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => options.signal?.removeEventListener('abort', onAbort);

    xhr.open('POST', `${window.location.origin}${UPLOADS_PATH}`);
    xhr.setRequestHeader('Accept', 'application/json');
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) options.onProgress?.(event.loaded, event.total);
    };
    xhr.upload.onload = () => options.onSent?.();
    xhr.onload = () => {
      done();
      resolve({ status: xhr.status, statusText: xhr.statusText, body: parseBody(xhr.responseText) });
    };
    // The same error fetch gives when no answer came, so that `isNetworkError` recognises it.
    xhr.onerror = () => {
      done();
      reject(new TypeError('Failed to fetch'));
    };
    xhr.onabort = () => {
      done();
      reject(abortError());
    };
    xhr.send(form);
  });
}

export function uploadForm(file: File, choices: UploadChoices): FormData {
  const form = new FormData();
  form.append('purpose', choices.purpose);
  form.append('mode', choices.mode);
  if (choices.iinColumn) form.append('iin_column', choices.iinColumn);
  if (choices.sheet) form.append('sheet', choices.sheet);
  // The file last: the server reads the small fields before the large part.
  form.append('file', file, file.name);
  return form;
}

/**
 * POST /api/v1/uploads with the session's token (renewed once on a 401, like the API client).
 * Resolves with the report (201) or the job to follow (202); throws `UploadError` for an error
 * answer, a TypeError when none came, and an AbortError when cancelled.
 */
export async function sendUpload(file: File, choices: UploadChoices, options: SendOptions = {}): Promise<SendResult> {
  const form = uploadForm(file, choices);
  const token = session.getAccessToken();
  let answer = await postForm(form, token, options);
  if (answer.status === 401) {
    const renewed = await session.handleUnauthorized(token);
    if (renewed) answer = await postForm(form, renewed, options);
  }
  if (answer.status === 201) return { status: 201, report: answer.body as UploadReport };
  if (answer.status === 202) return { status: 202, queued: answer.body as UploadQueued };
  throw uploadError(answer.body, answer.status, answer.statusText);
}

export type PollOptions = FollowOptions;

/**
 * Follow an upload job (GET /api/v1/jobs/{id}) until it ends: its result is the report. A job that
 * failed on a bad file carries the error body a direct upload would have answered with.
 */
export async function pollUploadJob(jobId: string, options: PollOptions = {}) {
  const job = await followJob(jobId, options);
  if (job.status === 'succeeded') return job.result as UploadReport;
  const rejection = rejectionOf(job.result);
  if (rejection) throw uploadError(rejection, STATUS_OF_JOB_ERROR[rejection.error] ?? 500);
  throw new UploadError(new ApiError(job.error ?? 'the job failed', 500, 'JobFailed'), null);
}
