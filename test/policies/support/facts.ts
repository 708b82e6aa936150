import type { DocumentFacts, GrantFacts, PartnerFacts } from '../../../policies/index.js';

// Fixed instants, written in UTC. Tests never read the clock.

/** The instant most rows decide at. */
export const NOW = new Date('2027-06-15T10:00:00.000Z');
/** Start of the default grant, before NOW. */
export const GRANT_STARTS_AT = new Date('2027-06-01T00:00:00.000Z');
/** End of the default grant, after NOW. */
export const GRANT_ENDS_AT = new Date('2027-09-01T00:00:00.000Z');

export const PERSON_ID = 'person-camille';
export const OTHER_PERSON_ID = 'person-dominique';
export const PARTNER_ID = 'partner-cap-emploi';
export const OTHER_PARTNER_ID = 'partner-employer';

/** Returns `date` moved by `milliseconds`, which may be negative. */
export function shift(date: Date, milliseconds: number): Date {
  return new Date(date.getTime() + milliseconds);
}

export const MINUTE_MS = 60 * 1000;

export function givenPartner(overrides: Partial<PartnerFacts> = {}): PartnerFacts {
  return { id: PARTNER_ID, status: 'active', ...overrides };
}

/** Builds a document of PERSON_ID, listed by the default grant. */
export function givenDocument(overrides: Partial<DocumentFacts> = {}): DocumentFacts {
  return { id: 'doc-rqth', ownerId: PERSON_ID, category: 'decision_mdph', deletedAt: null, ...overrides };
}

/** Builds a grant from PERSON_ID to PARTNER_ID, active at NOW, that lists `doc-rqth` and the `medical` category. */
export function givenGrant(overrides: Partial<GrantFacts> = {}): GrantFacts {
  return {
    id: 'grant-1',
    personId: PERSON_ID,
    partnerId: PARTNER_ID,
    documentIds: ['doc-rqth'],
    categories: ['medical'],
    startsAt: GRANT_STARTS_AT,
    endsAt: GRANT_ENDS_AT,
    revokedAt: null,
    ...overrides,
  };
}
