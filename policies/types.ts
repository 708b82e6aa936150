/**
 * Domain facts that the decisions in `policies/` take as input. Callers map
 * database rows to these types, so no column name reaches a policy. Dates are
 * instants; every comparison uses their UTC milliseconds.
 */

/** Role of a signed-in account. Every account is a `person` unless it is staff (`dpo` or `admin`). */
export type Role = 'person' | 'dpo' | 'admin';

/** Every role, in a fixed order. */
export const ROLES: readonly Role[] = Object.freeze(['person', 'dpo', 'admin'] as const);

/** Category of a document, stored in clear because grants and lists select by it. */
export type DocumentCategory = 'decision_mdph' | 'medical' | 'employment' | 'training' | 'identity' | 'other';

/** Every document category, in the order forms list them. */
export const DOCUMENT_CATEGORIES: readonly DocumentCategory[] = Object.freeze([
  'decision_mdph',
  'medical',
  'employment',
  'training',
  'identity',
  'other',
] as const);

/** Purpose (finalité) of a grant. `other` needs a free text that states it. */
export type Purpose = 'employment_support' | 'workplace_adjustment' | 'training_access' | 'rights_application' | 'other';

/** Every purpose, in the order forms list them. */
export const PURPOSES: readonly Purpose[] = Object.freeze([
  'employment_support',
  'workplace_adjustment',
  'training_access',
  'rights_application',
  'other',
] as const);

/** Kind of partner organisation. No decision depends on it yet. */
export type PartnerKind =
  | 'mdph'
  | 'cap_emploi'
  | 'france_travail'
  | 'mission_locale'
  | 'training_centre'
  | 'employer'
  | 'agefiph_fiphfp'
  | 'other';

/** A registered partner. Only an `active` partner may read or receive a grant. */
export interface PartnerFacts {
  id: string;
  status: 'active' | 'suspended';
}

/** A stored document. `deletedAt` is set once the owner deleted it. */
export interface DocumentFacts {
  id: string;
  ownerId: string;
  category: DocumentCategory;
  deletedAt: Date | null;
}

/**
 * A grant (partage): one person's consent for one partner. It covers the
 * listed documents and every document in the listed categories, including
 * documents added to them later, from `startsAt` (inclusive) to `endsAt`
 * (exclusive), unless `revokedAt` is set.
 */
export interface GrantFacts {
  id: string;
  personId: string;
  partnerId: string;
  documentIds: readonly string[];
  categories: readonly DocumentCategory[];
  startsAt: Date;
  endsAt: Date;
  revokedAt: Date | null;
}

/** A sharing code that a person gave a partner, valid until `expiresAt` (exclusive) unless revoked. */
export interface SharingCodeFacts {
  personId: string;
  expiresAt: Date;
  revokedAt: Date | null;
}

/** State of an access request (demande d'accès). Only a `pending` request can be approved or refused. */
export type AccessRequestStatus = 'pending' | 'approved' | 'refused' | 'expired' | 'cancelled';

/**
 * An access request from a partner to a person. A `pending` request whose
 * `expiresAt` has passed is expired even before a job updates its status.
 */
export interface AccessRequestFacts {
  personId: string;
  status: AccessRequestStatus;
  expiresAt: Date;
}
