import type { TFunction } from 'i18next';

import { ApiError, errorMessage } from '../api/errors';

/**
 * The server explains errors in English (`detail`). The ones a user of the sign-in and Admin pages
 * meets are known: say them in the interface language. Anything else is shown as the server said it.
 */
const KNOWN: { pattern: RegExp; key: string }[] = [
  { pattern: /last enabled administrator/i, key: 'serverErrors.lastAdmin' },
  { pattern: /cannot demote or disable yourself/i, key: 'serverErrors.notYourself' },
  { pattern: /cannot delete yourself/i, key: 'serverErrors.notDeleteYourself' },
  { pattern: /password is incorrect/i, key: 'serverErrors.wrongPassword' },
  { pattern: /^user '(?<username>[^']+)' already exists/i, key: 'serverErrors.exists' },
  { pattern: /password of at least 10 characters is required/i, key: 'serverErrors.passwordRequired' },
  { pattern: /^password: .*at least 10 characters/i, key: 'serverErrors.passwordShort' },
  { pattern: /passwords live in the directory/i, key: 'serverErrors.ldapPassword' },
  { pattern: /^the account (?<username>\S+) is disabled/i, key: 'serverErrors.disabled' },
  { pattern: /^(?<username>\S+) is not allowed to use DataQuery Pro/i, key: 'serverErrors.notAllowed' },
];

export function localizeDetail(detail: string, t: TFunction): string {
  for (const { pattern, key } of KNOWN) {
    const match = pattern.exec(detail);
    if (match) return t(key, { username: match.groups?.username ?? '' });
  }
  return detail;
}

/** A message for anything an action may throw: a known server detail translated, else as is. */
export function localizedError(error: unknown, t: TFunction): string {
  const text = errorMessage(error, t('errors.network'));
  return error instanceof ApiError ? localizeDetail(text, t) : text;
}
