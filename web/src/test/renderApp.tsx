import { render } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router';

import { AppProviders } from '../app/AppProviders';
import { routes } from '../app/routes';
import { createQueryClient } from '../lib/queryClient';

/** Render the whole app (shell, routes, providers) at a path, with a fresh query cache. */
export function renderApp(path = '/') {
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

type JsonHandler = (url: URL, request: Request) => { status?: number; body: unknown } | undefined;

/**
 * Replace global fetch (the network boundary) with a function that answers from `handler`;
 * unknown URLs get a 404 in the API's error shape. Returns the mock to inspect calls.
 */
export function mockFetch(handler: JsonHandler) {
  const mock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(new URL(String(input), window.location.href), init);
    const url = new URL(request.url);
    const answer = handler(url, request) ?? {
      status: 404,
      body: { error: 'NotFound', detail: `no route ${url.pathname}` },
    };
    return new Response(JSON.stringify(answer.body), {
      status: answer.status ?? 200,
      headers: { 'Content-Type': 'application/json' },
    });
  });
  vi.stubGlobal('fetch', mock);
  return mock;
}
