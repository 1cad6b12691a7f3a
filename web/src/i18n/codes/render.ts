/**
 * A server code (`{code, params}`) in the interface language: the text is `codes.<code>` of the
 * catalogs under i18n/codes/, numbers among the params are formatted for the language first.
 */
import type { TFunction } from 'i18next';

import { formatNumber } from '../../lib/format';

export type CodeParams = Record<string, string | number | null | undefined>;

/** `fallback` (e.g. the server's English message) is shown for a code no catalog has; else the code. */
export function renderCode(
  t: TFunction,
  language: string,
  code: string,
  params?: CodeParams | null,
  fallback?: string,
): string {
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(params ?? {}))
    values[name] = typeof value === 'number' ? formatNumber(value, language, 4) : (value ?? '');
  return t(`codes.${code}`, { ...values, defaultValue: fallback ?? code });
}
