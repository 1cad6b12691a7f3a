/**
 * Every API error comes as `{"error": "<Class>", "detail": "<human message>"}` (DESIGN §5).
 * FastAPI's own 422 validation errors carry `detail` as a list; those are flattened too.
 */
export class ApiError extends Error {
  readonly status: number;
  /** The server's error class, e.g. `NotFound`, `Conflict`; `NetworkError` when no answer came. */
  readonly errorClass: string;

  constructor(message: string, status: number, errorClass: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.errorClass = errorClass;
  }
}

interface ValidationIssue {
  loc?: unknown[];
  msg?: string;
}

function detailText(detail: unknown): string | null {
  if (typeof detail === 'string' && detail.trim()) return detail;
  if (Array.isArray(detail)) {
    const parts = detail
      .map((issue: ValidationIssue) => {
        const where = Array.isArray(issue.loc) ? issue.loc.filter((p) => p !== 'body').join('.') : '';
        return issue.msg ? (where ? `${where}: ${issue.msg}` : issue.msg) : null;
      })
      .filter((p): p is string => Boolean(p));
    return parts.length ? parts.join('; ') : null;
  }
  return null;
}

/** Turn the error body and response of a failed call into an `ApiError` carrying the server's detail. */
export function toApiError(body: unknown, response: Response): ApiError {
  let errorClass = `HTTP${response.status}`;
  let message: string | null = null;
  if (body && typeof body === 'object') {
    const record = body as Record<string, unknown>;
    if (typeof record.error === 'string') errorClass = record.error;
    message = detailText(record.detail);
  } else if (typeof body === 'string' && body.trim() && !body.trimStart().startsWith('<')) {
    message = body.trim();
  }
  return new ApiError(
    message ?? `${response.status} ${response.statusText || 'error'}`.trim(),
    response.status,
    errorClass,
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

/**
 * A message fit for a user from anything a query or mutation may throw; `networkMessage` is used
 * when no answer came (fetch gives only a technical text then).
 */
export function errorMessage(error: unknown, networkMessage: string): string {
  if (error instanceof ApiError) return error.message;
  if (isNetworkError(error)) return networkMessage;
  if (error instanceof Error && error.message) return error.message;
  return String(error);
}
