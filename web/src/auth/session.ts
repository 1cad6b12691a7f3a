import { api, setAccessTokenProvider, setUnauthorizedHandler } from '../api/client';
import { ApiError, toApiError } from '../api/errors';
import type { components } from '../api/schema';

export type Role = components['schemas']['Role'];
export type SessionUser = components['schemas']['UserBrief'];
type TokenPair = components['schemas']['TokenPair'];

/**
 * - `restoring`: a refresh token is stored and has not been tried yet (app start, reload);
 * - `signedIn`: there is an access token and the user it belongs to;
 * - `signedOut`: neither.
 */
export type SessionStatus = 'restoring' | 'signedIn' | 'signedOut';

/** Why the session ended: the user signed out, it expired (refresh refused), or the server did not answer. */
export type SignOutReason = 'signedOut' | 'expired' | 'unavailable';

export interface SessionState {
  status: SessionStatus;
  user: SessionUser | null;
  reason: SignOutReason | null;
}

/**
 * sessionStorage key of the refresh token.
 *
 * Where the tokens live, and why:
 * - The access token (minutes) stays in memory only: nothing that outlives the page can leak it,
 *   and a reload costs one silent refresh.
 * - The refresh token (hours) goes to sessionStorage, not localStorage and not memory:
 *   it survives a reload of the tab (so a reload does not throw the user out), it dies with the tab,
 *   and it is per tab. The last point matters because /auth/refresh rotates the token: with
 *   localStorage, two tabs sharing one token would revoke each other's on every refresh.
 * - It is not a cookie because the API takes the refresh token in the JSON body; a body token is
 *   never sent by the browser on its own, so there is no CSRF to defend against. Script on the page
 *   could read it (XSS), but such script could act as the user anyway; the server's CSP
 *   (`script-src 'self'`) is the defence there, and logout revokes the token server-side.
 */
export const REFRESH_TOKEN_KEY = 'dq.refreshToken';

/** Thrown by `signIn` for an answer other than success; carries Retry-After for a 429. */
export class SignInError extends ApiError {
  /** Seconds to wait before trying again (from Retry-After), or null. */
  readonly retryAfterSeconds: number | null;

  constructor(error: ApiError, retryAfterSeconds: number | null) {
    super(error.message, error.status, error.errorClass, error.code, error.params, error.errors);
    this.name = 'SignInError';
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** Retry-After is either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - now) / 1000));
}

function readStoredToken(): string | null {
  try {
    return window.sessionStorage.getItem(REFRESH_TOKEN_KEY);
  } catch {
    return null; // storage disabled: the session then lasts until the page is reloaded
  }
}

function storeToken(token: string | null): void {
  try {
    if (token) window.sessionStorage.setItem(REFRESH_TOKEN_KEY, token);
    else window.sessionStorage.removeItem(REFRESH_TOKEN_KEY);
  } catch {
    // as above
  }
}

/**
 * The signed-in session, outside React (the API client needs it as well as the components):
 * holds the tokens, signs in and out, and refreshes the access token — once at a time, however
 * many requests are waiting for it. Components read it through `useSession()`.
 */
export class Session {
  private accessToken: string | null = null;
  private state: SessionState;
  private readonly listeners = new Set<() => void>();
  private inflightRefresh: Promise<string | null> | null = null;
  /**
   * Bumped by sign-in and sign-out: a refresh that was started before either must not install its
   * result afterwards (it would sign a user back in after they signed out).
   */
  private epoch = 0;

  constructor() {
    this.state = this.initialState();
  }

  private initialState(): SessionState {
    return { status: readStoredToken() ? 'restoring' : 'signedOut', user: null, reason: null };
  }

  getState = (): SessionState => this.state;

  getAccessToken = (): string | null => this.accessToken;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private setState(state: SessionState): void {
    this.state = state;
    for (const listener of this.listeners) listener();
  }

  private accept(pair: TokenPair): void {
    this.accessToken = pair.access_token;
    storeToken(pair.refresh_token);
    this.setState({ status: 'signedIn', user: pair.user, reason: null });
  }

  private end(reason: SignOutReason, keepRefreshToken = false): void {
    this.accessToken = null;
    if (!keepRefreshToken) storeToken(null);
    this.setState({ status: 'signedOut', user: null, reason });
  }

  /** POST /auth/login. Throws `SignInError` (401, 403, 429, 503…) or a TypeError when no answer came. */
  async signIn(username: string, password: string): Promise<SessionUser> {
    const result = await api.POST('/api/v1/auth/login', { body: { username, password } });
    if (result.data) {
      this.epoch += 1;
      this.accept(result.data);
      return result.data.user;
    }
    const error = toApiError(result.error, result.response);
    throw new SignInError(error, parseRetryAfter(result.response.headers.get('Retry-After')));
  }

  /**
   * A new access token from the stored refresh token, or null when there is none to be had.
   * Single-flight: every caller during one refresh gets the same promise, so concurrent 401s cause
   * one POST /auth/refresh (which rotates the refresh token; a second call would send a revoked one).
   */
  refresh(): Promise<string | null> {
    this.inflightRefresh ??= this.refreshOnce().finally(() => {
      this.inflightRefresh = null;
    });
    return this.inflightRefresh;
  }

  private async refreshOnce(): Promise<string | null> {
    const token = readStoredToken();
    if (!token) {
      if (this.state.status !== 'signedOut') this.end('expired');
      return null;
    }
    const epoch = this.epoch;
    let result;
    try {
      result = await api.POST('/api/v1/auth/refresh', { body: { refresh_token: token } });
    } catch {
      // No answer: the token may still be good, keep it for the next attempt (a reload).
      if (epoch === this.epoch) this.end('unavailable', true);
      return null;
    }
    if (epoch !== this.epoch) return this.accessToken;
    if (result.data) {
      this.accept(result.data);
      return result.data.access_token;
    }
    const status = result.response.status;
    if (status >= 500) this.end('unavailable', true);
    else this.end('expired');
    return null;
  }

  /** Called by the API client on a 401: a token to retry with once, or null. */
  handleUnauthorized = async (rejectedToken: string | null): Promise<string | null> => {
    // Another request's refresh already replaced the token this one was sent with: just retry.
    if (this.accessToken && rejectedToken !== this.accessToken) return this.accessToken;
    return this.refresh();
  };

  /** On app start (or a reload) with a stored refresh token: sign in silently. */
  restore(): Promise<string | null> {
    if (this.state.status !== 'restoring') return Promise.resolve(this.accessToken);
    return this.refresh();
  }

  /** POST /auth/logout (revokes the refresh token), and forget everything, even if that call fails. */
  async signOut(): Promise<void> {
    const token = readStoredToken();
    this.epoch += 1;
    this.end('signedOut');
    if (!token) return;
    try {
      await api.POST('/api/v1/auth/logout', { body: { refresh_token: token } });
    } catch {
      // The server is gone; the token dies with its expiry. Nothing more the browser can do.
    }
  }

  /**
   * Another page of this tab signed out (the refresh token is gone from sessionStorage): sign out
   * here too. Called when the browser shows this page again from its back/forward cache, where it
   * would otherwise still hold a live access token and show the data of before.
   */
  syncWithStorage = (): void => {
    if (this.state.status === 'signedIn' && !readStoredToken()) {
      this.epoch += 1;
      this.end('signedOut');
    }
  };

  /** Tests: back to the state of a fresh page load. */
  reset(): void {
    this.accessToken = null;
    this.inflightRefresh = null;
    this.epoch += 1;
    this.state = this.initialState();
    for (const listener of this.listeners) listener();
  }

  /** Tests: a signed-in session without a round trip. */
  signInForTests(user: SessionUser, accessToken = 'test-access-token', refreshToken = 'test-refresh-token'): void {
    this.accept({ access_token: accessToken, refresh_token: refreshToken, token_type: 'bearer', expires_in: 900, user });
  }
}

export const session = new Session();

setAccessTokenProvider(session.getAccessToken);
setUnauthorizedHandler(session.handleUnauthorized);

if (typeof window !== 'undefined') {
  window.addEventListener('pageshow', (event) => {
    if (event.persisted) session.syncWithStorage();
  });
}
