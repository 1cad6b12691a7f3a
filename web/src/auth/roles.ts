import type { Role } from './session';

export const ROLES: readonly Role[] = ['user', 'analyst', 'admin'];

const RANK: Record<Role, number> = { user: 0, analyst: 1, admin: 2 };

/** Roles are ordered (user < analyst < admin): a role may do everything the ones below it may. */
export function roleAllows(role: Role | null | undefined, required: Role | null | undefined): boolean {
  if (!required) return true;
  if (!role) return false;
  return RANK[role] >= RANK[required];
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Tag colours of the roles, the same everywhere (header, users table). */
export const ROLE_COLORS: Record<Role, string> = {
  user: 'default',
  analyst: 'geekblue',
  admin: 'magenta',
};
