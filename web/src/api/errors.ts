import type { TFunction } from 'i18next';
import i18n from 'i18next';

/**
 * Every API error comes as one body (DESIGN §5): `{"error": "<Class>", "code", "detail": "<English
 * fallback>", "params", "errors": [{field, code, params, message}]}`. The user sees `code` rendered
 * from the catalog (`codes.<code>`) in the interface language, never the English `detail` unless
 * the interface is English.
 */
export interface ErrorItem {
  field: string | null;
  code: string;
  params: Record<string, unknown>;
  message: string;
}

export class ApiError extends Error {
  readonly status: number;
  /** The server's error class, e.g. `NotFound`, `Conflict`; `NetworkError` when no answer came. */
  readonly errorClass: string;
  /** Stable code, e.g. `upload.too_large`; empty when the answer had none (not our server). */
  readonly code: string;
  readonly params: Record<string, unknown>;
  /** The problems of a 422, each with its field. */
  readonly errors: ErrorItem[];

  constructor(
    message: string,
    status: number,
    errorClass: string,
    code = '',
    params: Record<string, unknown> = {},
    errors: ErrorItem[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.errorClass = errorClass;
    this.code = code;
    this.params = params;
    this.errors = errors;
  }
}

function record(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function itemsOf(value: unknown): ErrorItem[] {
  if (!Array.isArray(value)) return [];
  return value.map((raw) => {
    const item = record(raw);
    return {
      field: typeof item.field === 'string' ? item.field : null,
      code: typeof item.code === 'string' ? item.code : '',
      params: record(item.params),
      message: typeof item.message === 'string' ? item.message : '',
    };
  });
}

/** Turn the error body and response of a failed call into an `ApiError` carrying code, params and items. */
export function toApiError(body: unknown, response: Response): ApiError {
  let errorClass = `HTTP${response.status}`;
  let message: string | null = null;
  let code = '';
  let params: Record<string, unknown> = {};
  let errors: ErrorItem[] = [];
  if (body && typeof body === 'object') {
    const fields = body as Record<string, unknown>;
    if (typeof fields.error === 'string') errorClass = fields.error;
    if (typeof fields.detail === 'string' && fields.detail.trim()) message = fields.detail;
    if (typeof fields.code === 'string') code = fields.code;
    params = record(fields.params);
    errors = itemsOf(fields.errors);
  } else if (typeof body === 'string' && body.trim() && !body.trimStart().startsWith('<')) {
    message = body.trim();
  }
  return new ApiError(
    message ?? `${response.status} ${response.statusText || 'error'}`.trim(),
    response.status,
    errorClass,
    code,
    params,
    errors,
  );
}

/** An error kept as a body elsewhere (a failed job's result): the same `ApiError` as a direct answer. */
export function apiErrorOf(body: unknown, status: number, fallback: string): ApiError {
  const fields = record(body);
  return new ApiError(
    typeof fields.detail === 'string' ? fields.detail : fallback,
    status,
    typeof fields.error === 'string' ? fields.error : 'JobFailed',
    typeof fields.code === 'string' ? fields.code : '',
    record(fields.params),
    itemsOf(fields.errors),
  );
}

/**
 * Unwrap an openapi-fetch result: the data when the call succeeded, otherwise throw an `ApiError`.
 * Use it inside TanStack Query functions so that `query.error` holds the server's message.
 */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.response.ok && result.data !== undefined) return result.data;
  throw toApiError(result.error, result.response);
}

/** True when the request got no answer at all (server down, connection refused): fetch throws a TypeError. */
export function isNetworkError(error: unknown): boolean {
  return error instanceof TypeError;
}

/** The catalog entry standing for a whole HTTP status family, when the code itself is unknown. */
function statusCode(status: number): string {
  if (status === 401) return 'http.not_authenticated';
  if (status === 403) return 'http.permission_denied';
  if (status === 404) return 'http.not_found';
  if (status === 409) return 'http.conflict';
  if (status === 413) return 'http.payload_too_large';
  if (status === 415) return 'http.unsupported_media_type';
  if (status === 422 || status === 400) return 'http.invalid_input';
  if (status === 429) return 'http.too_many_requests';
  if (status === 503) return 'http.service_unavailable';
  if (status >= 500) return 'internal_error';
  return 'http.error';
}

function english(): boolean {
  return (i18n.resolvedLanguage ?? i18n.language ?? '').startsWith('en');
}

/** `code` with `params` in the interface language; the English fallback only in the English UI. */
function coded(code: string, params: Record<string, unknown>, fallback: string, status: number, t: TFunction): string {
  if (code && i18n.exists(`codes.${code}`)) return t(`codes.${code}`, params);
  if (english() && fallback) return fallback;
  return t(`codes.${statusCode(status)}`);
}

/** The field of an item as the user knows it (`errors.fields.<last name>`), else nothing outside English. */
function fieldLabel(field: string | null, t: TFunction): string | null {
  if (!field) return null;
  const name = field
    .split('.')
    .filter((part) => !/^\d+$/.test(part))
    .pop();
  if (name && i18n.exists(`errors.fields.${name}`)) return t(`errors.fields.${name}`);
  return english() ? field : null;
}

/**
 * One problem of a 422 as a line: its field (when named; `withField: false` where the form already
 * shows it next to the field) and its text. `t` defaults to the app's (for errors kept as text).
 */
export function errorItemText(
  item: ErrorItem,
  t: TFunction = i18n.t.bind(i18n),
  { status = 422, withField = true }: { status?: number; withField?: boolean } = {},
): string {
  const text = coded(item.code, item.params, item.message, status, t);
  const label = withField ? fieldLabel(item.field, t) : null;
  return label ? `${label}: ${text}` : text;
}

/** The items of an error body (a 422 kept as a body, e.g. in a failed job's result). */
export function errorItemsOf(body: unknown): ErrorItem[] {
  return itemsOf(record(body).errors);
}

/**
 * The one way to say an error to the user: the code's text in the interface language, then its
 * items each with its field. Anything that is not an API error (no answer, a bug) is said too.
 */
export function errorMessage(error: unknown, t: TFunction): string {
  if (error instanceof ApiError) {
    const head = coded(error.code, error.params, error.message, error.status, t);
    const items = error.errors.map((item) => errorItemText(item, t, { status: error.status }));
    const distinct = items.filter((line, index) => line !== head && items.indexOf(line) === index);
    return distinct.length ? `${head} ${distinct.join('; ')}` : head;
  }
  if (isNetworkError(error)) return t('errors.network');
  if (english() && error instanceof Error && error.message) return error.message;
  return t('codes.internal_error');
}
