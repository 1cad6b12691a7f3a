import type { TFunction } from 'i18next';

import { ApiError } from '../../../api/errors';
import { localizedError } from '../../../auth/serverMessages';

/** The campaign errors a user meets, in the interface language; anything else as the server said. */
const KNOWN: { pattern: RegExp; key: string }[] = [
  { pattern: /is being changed/i, key: 'theories.serverErrors.busy' },
  { pattern: /belongs to (?<owner>\S+?);/i, key: 'theories.serverErrors.notOwner' },
  { pattern: /that is final/i, key: 'theories.serverErrors.final' },
  { pattern: /change the draft's audience instead/i, key: 'theories.serverErrors.draftMembers' },
  { pattern: /^upload '.*' not found/i, key: 'theories.serverErrors.uploadNotFound' },
];

export function campaignError(error: unknown, t: TFunction): string {
  if (error instanceof ApiError) {
    for (const { pattern, key } of KNOWN) {
      const match = pattern.exec(error.message);
      if (match) return t(key, { owner: match.groups?.owner ?? '' });
    }
  }
  return localizedError(error, t);
}
