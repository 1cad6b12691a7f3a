import { useSyncExternalStore } from 'react';

import { roleAllows } from './roles';
import { session, type Role, type SessionState, type SessionUser } from './session';

/** The session's state (status, user, why it ended); re-renders when it changes. */
export function useSession(): SessionState {
  return useSyncExternalStore(session.subscribe, session.getState, session.getState);
}

/** The signed-in user, or null. */
export function useCurrentUser(): SessionUser | null {
  return useSession().user;
}

/** True when the signed-in user's role is `required` or above. */
export function useHasRole(required: Role): boolean {
  return roleAllows(useCurrentUser()?.role, required);
}
