import { deny, type Decision, type Denial } from './decision.js';
import { checkPartnerActive, checkPartnerKnown, type PartnerStandingReason } from './partner-standing.policy.js';
import { runChecks, type Check } from './pipeline.js';
import type { DocumentFacts, GrantFacts, PartnerFacts } from './types.js';

export { grantStatus, type GrantStatus } from './grant-status.js';

/** Reasons why a partner may not use a grant. */
export type PartnerGrantAccessReason =
  | PartnerStandingReason
  | 'grant_not_found'
  | 'grant_revoked'
  | 'grant_not_started'
  | 'grant_expired';

/** Reasons why a partner may not read a document through a grant. */
export type PartnerDocumentReadReason = PartnerGrantAccessReason | 'document_not_found' | 'document_not_in_scope';

/** Input of decidePartnerGrantAccess. `grant` is null when no grant has the requested id. */
export interface PartnerGrantAccessInput {
  partner: PartnerFacts | null;
  grant: GrantFacts | null;
  now: Date;
}

/** Input of decidePartnerDocumentRead. `document` is null when no document has the requested id. */
export interface PartnerDocumentReadInput extends PartnerGrantAccessInput {
  document: DocumentFacts | null;
}

function checkGrantOfPartner(input: PartnerGrantAccessInput): Denial<'grant_not_found'> | null {
  const { partner, grant } = input;
  if (partner === null || grant === null || grant.partnerId !== partner.id) return deny('grant_not_found', 404);
  return null;
}

function checkGrantNotRevoked(input: PartnerGrantAccessInput): Denial<'grant_revoked'> | null {
  return input.grant?.revokedAt === null ? null : deny('grant_revoked', 403);
}

// The time checks are written as "allowed only if", so an invalid Date denies.
function checkGrantStarted(input: PartnerGrantAccessInput): Denial<'grant_not_started'> | null {
  const startsAt = input.grant?.startsAt.getTime() ?? Number.NaN;
  return input.now.getTime() >= startsAt ? null : deny('grant_not_started', 403);
}

function checkGrantNotExpired(input: PartnerGrantAccessInput): Denial<'grant_expired'> | null {
  const endsAt = input.grant?.endsAt.getTime() ?? Number.NaN;
  return input.now.getTime() < endsAt ? null : deny('grant_expired', 403);
}

function checkDocumentOfGrantPerson(input: PartnerDocumentReadInput): Denial<'document_not_found'> | null {
  const { grant, document } = input;
  if (grant === null || document === null) return deny('document_not_found', 404);
  if (document.deletedAt !== null || document.ownerId !== grant.personId) return deny('document_not_found', 404);
  return null;
}

// No date filter on the document: a category grant covers documents added to
// that category after the grant was created.
function checkDocumentInScope(input: PartnerDocumentReadInput): Denial<'document_not_in_scope'> | null {
  const { grant, document } = input;
  if (grant === null || document === null) return deny('document_not_in_scope', 404);
  if (grant.documentIds.includes(document.id) || grant.categories.includes(document.category)) return null;
  return deny('document_not_in_scope', 404);
}

const GRANT_ACCESS_CHECKS: readonly Check<PartnerGrantAccessInput, PartnerGrantAccessReason>[] = [
  checkPartnerKnown,
  checkPartnerActive,
  checkGrantOfPartner,
  checkGrantNotRevoked,
  checkGrantStarted,
  checkGrantNotExpired,
];

const DOCUMENT_READ_CHECKS: readonly Check<PartnerDocumentReadInput, PartnerDocumentReadReason>[] = [
  ...GRANT_ACCESS_CHECKS,
  checkDocumentOfGrantPerson,
  checkDocumentInScope,
];

/**
 * Decides whether a partner may use one of its grants, for example to list
 * the documents it covers. Checks, first denial wins: partner registered
 * (`partner_unknown`, 404), partner active (`partner_suspended`, 403), grant
 * exists and belongs to this partner (`grant_not_found`, 404), not revoked
 * (`grant_revoked`, 403), started (`grant_not_started`, 403), not expired
 * (`grant_expired`, 403, from `endsAt` itself).
 *
 * @example decidePartnerGrantAccess({ partner, grant, now: grant.endsAt }) // deny, grant_expired, 403
 */
export function decidePartnerGrantAccess(input: PartnerGrantAccessInput): Decision<PartnerGrantAccessReason> {
  return runChecks(input, GRANT_ACCESS_CHECKS);
}

/**
 * Decides whether a partner may read one document through one of its grants.
 * Runs the checks of decidePartnerGrantAccess, then:
 * - `document_not_found` (404): the document is unknown, deleted or not the grant's person's;
 * - `document_not_in_scope` (404): the grant lists neither the document nor its category.
 *
 * Both are 404, so a partner learns nothing about documents outside its grants.
 *
 * @example decidePartnerDocumentRead({ partner, grant, document: null, now }) // deny, document_not_found, 404
 */
export function decidePartnerDocumentRead(input: PartnerDocumentReadInput): Decision<PartnerDocumentReadReason> {
  return runChecks(input, DOCUMENT_READ_CHECKS);
}
