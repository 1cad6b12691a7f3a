import { render } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router';

import { AppProviders } from '../app/AppProviders';
import { routes } from '../app/routes';
import { session, type Role } from '../auth/session';
import { createQueryClient } from '../lib/queryClient';

export interface RenderOptions {
  /** Signed in with this role (as `test-<role>`), or not signed in at all (null). Default: admin. */
  as?: Role | null;
}

/** Render the whole app (shell, routes, providers) at a path, with a fresh query cache. */
export function renderApp(path = '/', { as = 'admin' }: RenderOptions = {}) {
  if (as) session.signInForTests({ username: `test-${as}`, role: as, display_name: null });
  const queryClient = createQueryClient();
  queryClient.setDefaultOptions({ queries: { retry: false, staleTime: Infinity } });
  const router = createMemoryRouter(routes, { initialEntries: [path] });
  const utils = render(
    <AppProviders queryClient={queryClient}>
      <RouterProvider router={router} />
    </AppProviders>,
  );
  return { ...utils, router, queryClient };
}

export interface MockAnswer {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

type JsonHandler = (url: URL, request: Request) => MockAnswer | undefined | Promise<MockAnswer | undefined>;

/**
 * Replace global fetch (the network boundary) with a function that answers from `handler`
 * (which may be async, e.g. to read the request body); unknown URLs get a 404 in the API's error
 * shape. Returns the mock to inspect calls.
 */
export function mockFetch(handler: JsonHandler) {
  const mock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(new URL(String(input), window.location.href), init);
    const url = new URL(request.url);
    const answer = (await handler(url, request)) ?? {
      status: 404,
      body: { error: 'NotFound', detail: `no route ${url.pathname}` },
    };
    const status = answer.status ?? 200;
    return new Response(status === 204 ? null : JSON.stringify(answer.body), {
      status,
      headers: { 'Content-Type': 'application/json', ...answer.headers },
    });
  });
  vi.stubGlobal('fetch', mock);
  return mock;
}

/** The method and path of every request the mock saw, e.g. `PATCH /api/v1/users/bob`. */
export function requestsOf(mock: ReturnType<typeof mockFetch>): string[] {
  return mock.mock.calls.map(([input]) => {
    const request = input as Request;
    return `${request.method} ${new URL(request.url).pathname}`;
  });
}
