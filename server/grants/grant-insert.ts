import { randomUUID } from 'node:crypto';

import type { Transaction } from 'kysely';

import {
  DOCUMENT_CATEGORIES,
  PURPOSES,
  decideGrantCreation,
  type Denial,
  type GrantCreationReason,
  type Purpose,
} from '../../policies/index.js';
import type { Database } from '../db/schema.js';
import { AppError } from '../errors/app-error.js';
import { CURRENT_CONSENT_VERSION } from './consent-text.js';
import { denialError } from './decision-outcome.js';
import { findDocumentFacts } from './document-facts.repository.js';
import { insertGrant } from './grant.repository.js';
import type { StoredGrant } from './grant.types.js';
import { findPartner } from './partner-directory.repository.js';
import { parseUuid } from './uuid.js';

/** A grant that a person requests, directly or by approving an access request. */
export interface GrantCreation {
  personId: string;
  /** Raw partner id from the request; a malformed one is an unknown partner. */
  partnerId: string;
  purpose: string;
  purposeText: string | null;
  /** Raw document ids; malformed ones count as missing. */
  documentIds: readonly string[];
  categories: readonly string[];
  startsAt: Date | null;
  endsAt: Date | null;
}

/** Result of decideAndInsertGrant: the new grant, or the policy's denial. */
export type GrantInsertResult = { effect: 'allow'; grant: StoredGrant } | Denial<GrantCreationReason>;

/**
 * Reads the partner and documents that a creation names, calls
 * decideGrantCreation and, on allow, inserts the grant under the current
 * consent text. The caller appends the audit entry, allowed or denied, in
 * the same transaction.
 */
export async function decideAndInsertGrant(trx: Transaction<Database>, creation: GrantCreation, now: Date): Promise<GrantInsertResult> {
  const partnerId = parseUuid(creation.partnerId);
  const partner = partnerId ? await findPartner(trx, partnerId) : undefined;

  const wellFormedIds = creation.documentIds.map(parseUuid);
  const documents = await findDocumentFacts(trx, wellFormedIds.filter((id): id is string => id !== null));
  const found = new Set(documents.map((document) => document.id));
  const missingDocumentIds = wellFormedIds.filter((id) => id === null || !found.has(id)).map((id) => id ?? '');

  const decision = decideGrantCreation({
    person: { accountId: creation.personId },
    partner: partner ?? null,
    documents,
    missingDocumentIds,
    categories: creation.categories,
    purpose: creation.purpose,
    purposeText: creation.purposeText,
    startsAt: creation.startsAt,
    endsAt: creation.endsAt,
    now,
  });
  if (decision.effect === 'deny') return decision;

  const grant: StoredGrant = {
    id: randomUUID(),
    personId: creation.personId,
    partnerId: partner!.id,
    // The policy allowed only known purposes and categories.
    purpose: creation.purpose as Purpose,
    purposeText: decision.purposeText,
    documentIds: documents.map((document) => document.id),
    categories: DOCUMENT_CATEGORIES.filter((category) => creation.categories.includes(category)),
    startsAt: decision.window.startsAt,
    endsAt: decision.window.endsAt,
    revokedAt: null,
    consentVersion: CURRENT_CONSENT_VERSION,
    createdAt: now,
  };
  await insertGrant(trx, grant);
  return { effect: 'allow', grant };
}

/** Builds the client error of a creation denial, with the values its message names. */
export function grantCreationError(denial: Denial<GrantCreationReason>, creation: Pick<GrantCreation, 'purpose' | 'categories'>): AppError {
  if (denial.reason === 'purpose_unknown') {
    return denialError('purpose_unknown', { purpose: creation.purpose.slice(0, 40), allowed: PURPOSES.join(', ') });
  }
  if (denial.reason === 'category_unknown') {
    const known: readonly string[] = DOCUMENT_CATEGORIES;
    const unknown = creation.categories.find((category) => !known.includes(category)) ?? '';
    return denialError('category_unknown', { category: unknown.slice(0, 40), allowed: DOCUMENT_CATEGORIES.join(', ') });
  }
  return denialError(denial.reason);
}

