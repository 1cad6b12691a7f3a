import createClient, { type Middleware } from 'openapi-fetch';

import type { paths } from './schema';

/**
 * Supplies the bearer token for API calls, or null when signed out.
 * Sign-in (next issue) registers one with `setAccessTokenProvider`; until then calls go without.
 */
export type AccessTokenProvider = () => string | null | Promise<string | null>;

let accessTokenProvider: AccessTokenProvider | null = null;

export function setAccessTokenProvider(provider: AccessTokenProvider | null): void {
  accessTokenProvider = provider;
}

const authMiddleware: Middleware = {
  async onRequest({ request }) {
    const token = accessTokenProvider ? await accessTokenProvider() : null;
    if (token) request.headers.set('Authorization', `Bearer ${token}`);
    return request;
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
