import { allow, deny, type Decision } from './decision.js';
import type { Role } from './types.js';

/** An action that only staff may take. */
export type StaffAction = 'audit.read' | 'audit.export' | 'audit.verify' | 'partner.manage' | 'key.rotate';

/** The role that each staff action needs: the DPO handles the audit log, the administrator partners and keys. */
export const STAFF_ACTION_ROLE: Readonly<Record<StaffAction, Role>> = Object.freeze({
  'audit.read': 'dpo',
  'audit.export': 'dpo',
  'audit.verify': 'dpo',
  'partner.manage': 'admin',
  'key.rotate': 'admin',
});

/** Every staff action. */
export const STAFF_ACTIONS: readonly StaffAction[] = Object.freeze(Object.keys(STAFF_ACTION_ROLE) as StaffAction[]);

/**
 * Roles that never read documents or their metadata: an account holding any
 * of them gets `role_not_allowed` from decideOwnerDocumentAccess and
 * decideOwnerDocumentCollectionAccess, even if it also has `person`.
 */
export const ROLES_WITHOUT_DOCUMENT_ACCESS: readonly Role[] = Object.freeze(['dpo', 'admin'] as const);

/** Input of decideStaffAction: the roles of the session and the requested action. */
export interface StaffActionInput {
  roles: readonly Role[];
  action: StaffAction;
}

/**
 * Decides whether a staff session may take an action: the DPO for `audit.*`,
 * the administrator for `partner.manage` and `key.rotate`. Any other role,
 * and any action missing from STAFF_ACTION_ROLE, denies `role_not_allowed`
 * (403).
 *
 * @example decideStaffAction({ roles: ['admin'], action: 'audit.export' }) // deny, role_not_allowed, 403
 */
export function decideStaffAction(input: StaffActionInput): Decision<'role_not_allowed'> {
  if (!Object.hasOwn(STAFF_ACTION_ROLE, input.action)) return deny('role_not_allowed', 403);
  return input.roles.includes(STAFF_ACTION_ROLE[input.action]) ? allow() : deny('role_not_allowed', 403);
}
