/**
 * Work in progress kept in the browser per user (localStorage `dq.<name>.<username>`), so that
 * leaving a page or reloading it loses nothing. A version tag guards against shapes of older
 * builds; anything unreadable is ignored, never thrown.
 */
import { useEffect } from 'react';

const VERSION = 1;

/** The audience builder's draft, and the campaign wizard's state. */
export const BUILDER_STORAGE = 'builder';
export const WIZARD_STORAGE = 'wizard';

export function persistedKey(name: string, username: string | null | undefined): string | null {
  return username ? `dq.${name}.${username}` : null;
}

export function readPersisted<T>(key: string | null): T | null {
  if (!key) return null;
  try {
    const raw = window.localStorage.getItem(key);
    if (!raw) return null;
    const stored = JSON.parse(raw) as { v?: number; value?: T };
    return stored.v === VERSION && stored.value !== undefined ? stored.value : null;
  } catch {
    return null;
  }
}

export function clearPersisted(key: string | null): void {
  if (!key) return;
  try {
    window.localStorage.removeItem(key);
  } catch {
    // Storage unavailable (private mode): nothing was kept.
  }
}

/** Keeps `value` under `key` whenever it changes (`null` value: forget it). */
export function usePersisted(key: string | null, value: unknown): void {
  useEffect(() => {
    if (!key) return;
    if (value === null) {
      clearPersisted(key);
      return;
    }
    try {
      window.localStorage.setItem(key, JSON.stringify({ v: VERSION, value }));
    } catch {
      // Full or unavailable storage: the page still works, only without the safety net.
    }
  }, [key, value]);
}
