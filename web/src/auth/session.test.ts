import { api } from '../api/client';
import { mockFetch, requestsOf } from '../test/renderApp';
import { parseRetryAfter, REFRESH_TOKEN_KEY, session } from './session';

const ADMIN = { username: 'admin', role: 'admin' as const, display_name: 'Администратор' };

function pair(n: number) {
  return { access_token: `access-${n}`, refresh_token: `refresh-${n}`, token_type: 'bearer', expires_in: 900, user: ADMIN };
}

/** A promise with its resolve function, to hold an answer until the test lets it go. */
function deferred() {
  let release!: () => void;
  const promise = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { promise, release };
}

/**
 * A server whose current access token is `access-<n>`: anything else gets 401. /auth/refresh
 * rotates (refresh-<n> → pair n+1; any older refresh token → 401), after `gate` when one is given.
 */
function fakeServer(options: { gate?: Promise<void>; refreshStatus?: number } = {}) {
  let generation = 1;
  const refreshBodies: unknown[] = [];
  const mock = mockFetch(async (url, request) => {
    if (url.pathname === '/api/v1/auth/refresh') {
      const body = (await request.json()) as { refresh_token: string };
      refreshBodies.push(body);
      await options.gate;
      if (options.refreshStatus) return { status: options.refreshStatus, body: { error: 'X', detail: 'refused' } };
      if (body.refresh_token !== `refresh-${generation}`) {
        return { status: 401, body: { error: 'NotAuthenticated', detail: 'the refresh token has been revoked' } };
      }
      generation += 1;
      return { body: pair(generation) };
    }
    if (request.headers.get('Authorization') !== `Bearer access-${generation}`) {
      return { status: 401, body: { error: 'NotAuthenticated', detail: 'token expired' } };
    }
    if (url.pathname === '/api/v1/users/bob') return { body: { echo: await request.json() } };
    return { body: { items: [], total: 0 } };
  });
  return {
    mock,
    refreshBodies,
    expireAccessToken: () => {
      // The server moved on (as if the access token timed out): rotate without telling the client.
      generation += 1;
      window.sessionStorage.setItem(REFRESH_TOKEN_KEY, `refresh-${generation}`);
    },
  };
}

function signedIn() {
  session.signInForTests(ADMIN, 'access-1', 'refresh-1');
}

describe('the API client with a session', () => {
  it('sends the access token as a bearer token', async () => {
    const server = fakeServer();
    signedIn();
    const { response } = await api.GET('/api/v1/datasets');
    expect(response.status).toBe(200);
    expect(server.refreshBodies).toHaveLength(0);
  });

  it('refreshes once for concurrent 401s and retries each request with the new token', async () => {
    const gate = deferred();
    const server = fakeServer({ gate: gate.promise });
    signedIn();
    server.expireAccessToken(); // access-1 is refused now; refresh-2 is the live refresh token

    const calls = [api.GET('/api/v1/datasets'), api.GET('/api/v1/users'), api.GET('/api/v1/audit')];
    // Let all three get their 401 and wait on the one refresh, then let it answer.
    await vi.waitFor(() => expect(server.refreshBodies).toHaveLength(1));
    await new Promise((resolve) => setTimeout(resolve, 20));
    gate.release();
    const results = await Promise.all(calls);

    expect(results.map((r) => r.response.status)).toEqual([200, 200, 200]);
    expect(server.refreshBodies).toEqual([{ refresh_token: 'refresh-2' }]);
    expect(requestsOf(server.mock).filter((r) => r === 'POST /api/v1/auth/refresh')).toHaveLength(1);
    expect(session.getAccessToken()).toBe('access-3');
    expect(window.sessionStorage.getItem(REFRESH_TOKEN_KEY)).toBe('refresh-3');
    expect(session.getState()).toMatchObject({ status: 'signedIn', user: ADMIN });
  });

  it('retries a request with a body with the same body', async () => {
    const server = fakeServer();
    signedIn();
    server.expireAccessToken();
    const { data, response } = await api.PATCH('/api/v1/users/{username}', {
      params: { path: { username: 'bob' } },
      body: { role: 'analyst' },
    });
    expect(response.status).toBe(200);
    expect(data).toEqual({ echo: { role: 'analyst' } });
    expect(requestsOf(server.mock)).toEqual([
      'PATCH /api/v1/users/bob',
      'POST /api/v1/auth/refresh',
      'PATCH /api/v1/users/bob',
    ]);
  });

  it('retries only once: a second 401 goes to the caller', async () => {
    const mock = mockFetch((url) =>
      url.pathname === '/api/v1/auth/refresh'
        ? { body: pair(2) }
        : { status: 401, body: { error: 'NotAuthenticated', detail: 'no' } },
    );
    signedIn();
    const { response } = await api.GET('/api/v1/datasets');
    expect(response.status).toBe(401);
    expect(requestsOf(mock)).toEqual(['GET /api/v1/datasets', 'POST /api/v1/auth/refresh', 'GET /api/v1/datasets']);
  });

  it('ends the session when the refresh is refused, and the caller gets the 401', async () => {
    const server = fakeServer({ refreshStatus: 401 });
    signedIn();
    server.expireAccessToken();
    const { response } = await api.GET('/api/v1/datasets');
    expect(response.status).toBe(401);
    expect(session.getState()).toEqual({ status: 'signedOut', user: null, reason: 'expired' });
    expect(session.getAccessToken()).toBeNull();
    expect(window.sessionStorage.getItem(REFRESH_TOKEN_KEY)).toBeNull();
  });

  it('does not refresh again for a 401 to a token that was already replaced', async () => {
    const server = fakeServer();
    signedIn();
    server.expireAccessToken();
    await api.GET('/api/v1/datasets'); // refreshes: access-3 now
    expect(server.refreshBodies).toHaveLength(1);

    // A late 401 for a request sent with the old token: retried with the new one, no second refresh.
    const retried = await session.handleUnauthorized('access-1');
    expect(retried).toBe('access-3');
    expect(server.refreshBodies).toHaveLength(1);
  });

  it('never refreshes for a 401 from sign-in itself', async () => {
    const mock = mockFetch(() => ({ status: 401, body: { error: 'NotAuthenticated', detail: 'invalid username or password' } }));
    signedIn();
    await expect(session.signIn('admin', 'wrong')).rejects.toMatchObject({ status: 401 });
    expect(requestsOf(mock)).toEqual(['POST /api/v1/auth/login']);
  });
});

describe('the session', () => {
  it('signs in: access token in memory, refresh token in sessionStorage', async () => {
    mockFetch((url) => (url.pathname === '/api/v1/auth/login' ? { body: pair(1) } : undefined));
    const user = await session.signIn('admin', 'secret-password');
    expect(user).toEqual(ADMIN);
    expect(session.getAccessToken()).toBe('access-1');
    expect(window.sessionStorage.getItem(REFRESH_TOKEN_KEY)).toBe('refresh-1');
    expect(window.localStorage.getItem(REFRESH_TOKEN_KEY)).toBeNull();
    expect(JSON.stringify(window.sessionStorage)).not.toContain('access-1');
  });

  it('carries Retry-After of a throttled sign-in', async () => {
    mockFetch(() => ({
      status: 429,
      body: { error: 'TooManyRequests', detail: 'too many failed sign-ins; try again in 250 s' },
      headers: { 'Retry-After': '250' },
    }));
    await expect(session.signIn('admin', 'x')).rejects.toMatchObject({ status: 429, retryAfterSeconds: 250 });
  });

  it('restores a stored session silently on start', async () => {
    window.sessionStorage.setItem(REFRESH_TOKEN_KEY, 'refresh-1');
    session.reset(); // as on a page load
    expect(session.getState().status).toBe('restoring');
    const server = fakeServer();
    await Promise.all([session.restore(), session.restore()]); // e.g. StrictMode running effects twice
    expect(server.refreshBodies).toEqual([{ refresh_token: 'refresh-1' }]);
    expect(session.getState()).toMatchObject({ status: 'signedIn', user: ADMIN });
  });

  it('keeps the refresh token when the server does not answer on start', async () => {
    window.sessionStorage.setItem(REFRESH_TOKEN_KEY, 'refresh-1');
    session.reset();
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))));
    await session.restore();
    expect(session.getState()).toEqual({ status: 'signedOut', user: null, reason: 'unavailable' });
    expect(window.sessionStorage.getItem(REFRESH_TOKEN_KEY)).toBe('refresh-1');
  });

  it('signs out: revokes the refresh token on the server and forgets both tokens', async () => {
    const bodies: unknown[] = [];
    const mock = mockFetch(async (url, request) => {
      if (url.pathname === '/api/v1/auth/logout') {
        bodies.push(await request.json());
        return { status: 204 };
      }
      return undefined;
    });
    signedIn();
    await session.signOut();
    expect(requestsOf(mock)).toEqual(['POST /api/v1/auth/logout']);
    expect(bodies).toEqual([{ refresh_token: 'refresh-1' }]);
    expect(session.getState()).toEqual({ status: 'signedOut', user: null, reason: 'signedOut' });
    expect(session.getAccessToken()).toBeNull();
    expect(window.sessionStorage.getItem(REFRESH_TOKEN_KEY)).toBeNull();
  });

  it('does not sign back in when a refresh started before sign-out answers after it', async () => {
    const gate = deferred();
    const server = fakeServer({ gate: gate.promise });
    signedIn();
    const refreshing = session.refresh();
    await vi.waitFor(() => expect(server.refreshBodies).toHaveLength(1));
    await session.signOut();
    gate.release();
    expect(await refreshing).toBeNull();
    expect(session.getState().status).toBe('signedOut');
    expect(window.sessionStorage.getItem(REFRESH_TOKEN_KEY)).toBeNull();
  });
});

describe('a page shown again by Back (back/forward cache)', () => {
  function pageshow(persisted: boolean) {
    const event = new Event('pageshow');
    Object.defineProperty(event, 'persisted', { value: persisted });
    window.dispatchEvent(event);
  }

  it('signs out when the tab signed out on a later page', () => {
    signedIn();
    window.sessionStorage.removeItem(REFRESH_TOKEN_KEY); // what signing out on the other page did
    pageshow(true);
    expect(session.getState()).toEqual({ status: 'signedOut', user: null, reason: 'signedOut' });
    expect(session.getAccessToken()).toBeNull();
  });

  it('stays signed in when the tab still has its session', () => {
    signedIn();
    pageshow(true);
    expect(session.getState().status).toBe('signedIn');
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds or an HTTP date', () => {
    expect(parseRetryAfter('120')).toBe(120);
    expect(parseRetryAfter(null)).toBeNull();
    expect(parseRetryAfter('soon')).toBeNull();
    const now = Date.parse('2025-03-14T09:30:00Z');
    expect(parseRetryAfter('Fri, 14 Mar 2025 09:31:30 GMT', now)).toBe(90);
  });
});
