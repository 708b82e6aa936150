import type { DocumentCategory, GrantFacts, GrantStatus, Purpose } from '../../policies/index.js';
import type { CategoryView } from './purpose-labels.js';

/** A grant as stored, with the documents and categories it lists. */
export interface StoredGrant extends GrantFacts {
  purpose: Purpose;
  /** The stated purpose, set only for `other`. */
  purposeText: string | null;
  /** Version of the consent text the person agreed to. */
  consentVersion: string;
  createdAt: Date;
}

/** A grant to insert; `documentIds` and `categories` go to their own tables. */
export interface NewGrant {
  id: string;
  personId: string;
  partnerId: string;
  purpose: Purpose;
  purposeText: string | null;
  startsAt: Date;
  endsAt: Date;
  consentVersion: string;
  createdAt: Date;
  documentIds: readonly string[];
  categories: readonly DocumentCategory[];
}

/** A listed document of a grant, in its person's view. */
export interface GrantDocumentView {
  id: string;
  category: DocumentCategory;
  title: string;
}

/**
 * A grant as the API sends it to its person. Built field by field, so no
 * column or key can reach the JSON. Dates are RFC 3339 UTC.
 */
export interface GrantView {
  id: string;
  partner: { id: string; name: string };
  purpose: Purpose;
  purposeLabel: string;
  purposeText: string | null;
  /** Listed documents that still exist; a deleted document leaves every grant. */
  documents: GrantDocumentView[];
  /** Whole categories, including documents added to them later. */
  categories: CategoryView[];
  startsAt: string;
  endsAt: string;
  revokedAt: string | null;
  createdAt: string;
  status: GrantStatus;
  consentVersion: string;
}

export type { ListPosition } from '../http/page-cursor.js';
