import type { AccessRequestFacts, AccessRequestStatus, DocumentCategory, Purpose } from '../../policies/index.js';
import type { CategoryView } from '../grants/purpose-labels.js';

/** An access request (demande d'accès) as stored. */
export interface StoredAccessRequest extends AccessRequestFacts {
  id: string;
  partnerId: string;
  sharingCodeId: string;
  purpose: Purpose;
  purposeText: string | null;
  categories: DocumentCategory[];
  /** The partner's message, sealed under the person's user key; null when none was sent. */
  messageSealed: Uint8Array | null;
  /** End of the requested grant. The person may only keep or shorten it. */
  requestedEndsAt: Date;
  createdAt: Date;
  answeredAt: Date | null;
  grantId: string | null;
}

/** An access request as the API sends it to its person. Dates are RFC 3339 UTC. */
export interface AccessRequestView {
  id: string;
  partner: { id: string; name: string };
  purpose: Purpose;
  purposeLabel: string;
  purposeText: string | null;
  categories: CategoryView[];
  message: string | null;
  requestedEndsAt: string;
  /** `expired` also for a pending request past `expiresAt`. */
  status: AccessRequestStatus;
  createdAt: string;
  expiresAt: string;
  answeredAt: string | null;
  grantId: string | null;
}

/** An access request in its partner's view: its own fields, no personal data. */
export interface PartnerAccessRequestView {
  id: string;
  status: AccessRequestStatus;
  purpose: Purpose;
  purposeText: string | null;
  categories: DocumentCategory[];
  requestedEndsAt: string;
  createdAt: string;
  expiresAt: string;
  answeredAt: string | null;
  /** Set once the person approved: the grant to read the documents through. */
  grantId: string | null;
}
