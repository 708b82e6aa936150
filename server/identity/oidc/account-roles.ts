import type { Role } from '../session.types.js';

/** Sources of staff roles: lists of subjects, a claim, or both. */
export interface RoleSources {
  dpoSubjects: ReadonlySet<string>;
  adminSubjects: ReadonlySet<string>;
  /** Claim whose value (a string or an array of strings) may hold 'dpo' and 'admin'. */
  rolesClaim: string | undefined;
}

/**
 * Returns the roles of a signed-in identity: 'dpo' and 'admin' when its subject is listed
 * or the roles claim names them, otherwise 'person'. Staff accounts are not persons, so
 * they never get the person's routes.
 */
export function rolesFor(subject: string, claims: Record<string, unknown>, sources: RoleSources): Role[] {
  const claimed = claimedRoles(sources.rolesClaim === undefined ? undefined : claims[sources.rolesClaim]);
  const roles: Role[] = [];
  if (sources.dpoSubjects.has(subject) || claimed.has('dpo')) roles.push('dpo');
  if (sources.adminSubjects.has(subject) || claimed.has('admin')) roles.push('admin');
  return roles.length > 0 ? roles : ['person'];
}

/** Returns the audit actor type for a set of roles; the most privileged role wins. */
export function actorTypeFor(roles: readonly Role[]): 'person' | 'dpo' | 'admin' {
  if (roles.includes('admin')) return 'admin';
  if (roles.includes('dpo')) return 'dpo';
  return 'person';
}

function claimedRoles(value: unknown): Set<string> {
  if (typeof value === 'string') return new Set(value.split(/\s+/));
  if (Array.isArray(value)) return new Set(value.filter((item): item is string => typeof item === 'string'));
  return new Set();
}
