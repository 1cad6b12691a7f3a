import createClient, { type Middleware } from 'openapi-fetch';

import type { paths } from './schema';

/**
 * Supplies the bearer token for API calls, or null when signed out.
 * The session (src/auth/session.ts) registers one with `setAccessTokenProvider`.
 */
export type AccessTokenProvider = () => string | null | Promise<string | null>;

/**
 * Called when a request was answered 401: given the access token that the server refused (null
 * when none was sent), returns a token to retry the request with once, or null to give up.
 */
export type UnauthorizedHandler = (rejectedToken: string | null) => Promise<string | null>;

let accessTokenProvider: AccessTokenProvider | null = null;
let unauthorizedHandler: UnauthorizedHandler | null = null;

export function setAccessTokenProvider(provider: AccessTokenProvider | null): void {
  accessTokenProvider = provider;
}

export function setUnauthorizedHandler(handler: UnauthorizedHandler | null): void {
  unauthorizedHandler = handler;
}

/**
 * A 401 from these means wrong credentials or a dead refresh token, never "the access token
 * expired": retrying them after a refresh would be wrong (and would loop on /auth/refresh).
 */
const NO_RETRY_PATHS = new Set(['/api/v1/auth/login', '/api/v1/auth/refresh', '/api/v1/auth/logout']);

/**
 * Unsent copies of requests in flight, by openapi-fetch's request id: fetch consumes a request's
 * body, so the retry after a 401 needs a copy taken before the first attempt.
 */
const retryCopies = new Map<string, Request>();

function bearerOf(request: Request): string | null {
  const header = request.headers.get('Authorization');
  return header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : null;
}

const authMiddleware: Middleware = {
  async onRequest({ request, schemaPath, id }) {
    const token = accessTokenProvider ? await accessTokenProvider() : null;
    if (token) request.headers.set('Authorization', `Bearer ${token}`);
    if (unauthorizedHandler && !NO_RETRY_PATHS.has(schemaPath)) retryCopies.set(id, request.clone());
    return request;
  },
  async onResponse({ response, id, options }) {
    const copy = retryCopies.get(id);
    retryCopies.delete(id);
    if (response.status !== 401 || !copy || !unauthorizedHandler) return undefined;
    const token = await unauthorizedHandler(bearerOf(copy));
    if (!token) return undefined;
    // Exactly one retry: its answer, 401 or not, is what the caller gets.
    copy.headers.set('Authorization', `Bearer ${token}`);
    return options.fetch(copy);
  },
  onError({ id }) {
    retryCopies.delete(id);
  },
};

/**
 * The typed API client. The API is served from the same origin as the app (the dev server
 * proxies /api), so paths are relative to the page's origin.
 */
export const api = createClient<paths>({
  baseUrl: typeof window === 'undefined' ? '' : window.location.origin,
  // Resolve fetch at call time, not at import time, so that tests can replace the global.
  fetch: (request) => globalThis.fetch(request),
});

api.use(authMiddleware);
