import { deny, type Decision, type Denial } from './decision.js';
import { runChecks, type Check } from './pipeline.js';
import { ROLES_WITHOUT_DOCUMENT_ACCESS } from './staff.policy.js';
import type { DocumentFacts, Role } from './types.js';

/** Reasons why a signed-in account may not act on a document of its own. */
export type OwnerDocumentReason = 'role_not_allowed' | 'not_found';

/** A signed-in account and the roles of its session. */
export interface OwnerActor {
  accountId: string;
  roles: readonly Role[];
}

/** Input of decideOwnerDocumentCollectionAccess. */
export interface OwnerDocumentCollectionInput {
  actor: OwnerActor;
}

/** Input of decideOwnerDocumentAccess. `document` is null when no document has the requested id. */
export interface OwnerDocumentInput {
  actor: OwnerActor;
  document: DocumentFacts | null;
}

// Staff never read documents, even when a session also carries `person`.
function checkPersonRole(input: OwnerDocumentCollectionInput): Denial<'role_not_allowed'> | null {
  const { roles } = input.actor;
  const isStaff = roles.some((role) => ROLES_WITHOUT_DOCUMENT_ACCESS.includes(role));
  return roles.includes('person') && !isStaff ? null : deny('role_not_allowed', 403);
}

// Unknown, deleted and another person's documents get the same denial, so ids reveal nothing.
function checkOwnDocument(input: OwnerDocumentInput): Denial<'not_found'> | null {
  const { actor, document } = input;
  if (document === null || document.deletedAt !== null || document.ownerId !== actor.accountId) {
    return deny('not_found', 404);
  }
  return null;
}

const OWNER_DOCUMENT_CHECKS: readonly Check<OwnerDocumentInput, OwnerDocumentReason>[] = [checkPersonRole, checkOwnDocument];

/**
 * Decides whether an account may list its documents or upload one: only a
 * person may (`role_not_allowed`, 403, for staff).
 *
 * @example decideOwnerDocumentCollectionAccess({ actor: { accountId: 'a', roles: ['dpo'] } }) // deny, role_not_allowed, 403
 */
export function decideOwnerDocumentCollectionAccess(input: OwnerDocumentCollectionInput): Decision<'role_not_allowed'> {
  return runChecks(input, [checkPersonRole]);
}

/**
 * Decides whether an account may read, download or delete one document.
 * Checks, first denial wins:
 * - `role_not_allowed` (403): the session is staff's, or not a person's;
 * - `not_found` (404): the document is unknown, deleted or another account's.
 *
 * @example decideOwnerDocumentAccess({ actor: { accountId: 'a', roles: ['person'] }, document: null }) // deny, not_found, 404
 */
export function decideOwnerDocumentAccess(input: OwnerDocumentInput): Decision<OwnerDocumentReason> {
  return runChecks(input, OWNER_DOCUMENT_CHECKS);
}
