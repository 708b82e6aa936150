import {
  allow,
  decidePartnerDocumentRead,
  decidePartnerGrantAccess,
  decidePartnerStanding,
  deny,
  type Decision,
  type PartnerDocumentReadInput,
  type PartnerDocumentReadReason,
  type PartnerFacts,
  type PartnerGrantAccessInput,
  type PartnerGrantAccessReason,
  type PartnerStandingInput,
  type PartnerStandingReason,
} from '../../../policies/index.js';
import type { DecisionTable } from '../support/decision-table.js';
import {
  GRANT_ENDS_AT,
  GRANT_STARTS_AT,
  givenDocument,
  givenGrant,
  givenPartner,
  NOW,
  OTHER_PARTNER_ID,
  OTHER_PERSON_ID,
  shift,
} from '../support/facts.js';

const partner = givenPartner();
const grant = givenGrant();

// A status the types do not allow, as a database could still hold one.
const partnerWithUnknownStatus = { id: partner.id, status: 'pending_review' } as unknown as PartnerFacts;

export const partnerStandingTable: DecisionTable<PartnerStandingInput, Decision<PartnerStandingReason>> = {
  title: 'decidePartnerStanding',
  decide: decidePartnerStanding,
  rows: [
    { name: 'active partner', input: { partner }, expected: allow() },
    { name: 'unknown partner', input: { partner: null }, expected: deny('partner_unknown', 404) },
    { name: 'suspended partner', input: { partner: givenPartner({ status: 'suspended' }) }, expected: deny('partner_suspended', 403) },
    { name: 'unknown partner status', input: { partner: partnerWithUnknownStatus }, expected: deny('partner_suspended', 403) },
  ],
};

/**
 * Expiry and start boundaries, to the millisecond. Shared with the time-zone
 * test, which runs them again under zones far from UTC.
 */
export const grantBoundaryTable: DecisionTable<PartnerGrantAccessInput, Decision<PartnerGrantAccessReason>> = {
  title: 'decidePartnerGrantAccess at window boundaries',
  decide: decidePartnerGrantAccess,
  rows: [
    { name: 'startsAt - 1 ms', input: { partner, grant, now: shift(GRANT_STARTS_AT, -1) }, expected: deny('grant_not_started', 403) },
    { name: 'exactly startsAt', input: { partner, grant, now: GRANT_STARTS_AT }, expected: allow() },
    { name: 'endsAt - 1 ms', input: { partner, grant, now: shift(GRANT_ENDS_AT, -1) }, expected: allow() },
    { name: 'exactly endsAt', input: { partner, grant, now: GRANT_ENDS_AT }, expected: deny('grant_expired', 403) },
    { name: 'endsAt + 1 ms', input: { partner, grant, now: shift(GRANT_ENDS_AT, 1) }, expected: deny('grant_expired', 403) },
    // 10:00Z is midnight of 1 June in Kiritimati (UTC+14) and 23:00 of 31 May in Niue (UTC-11).
    {
      name: 'local-midnight grant start - 1 ms',
      input: { partner, grant: givenGrant({ startsAt: new Date('2027-06-01T10:00:00.000Z') }), now: new Date('2027-06-01T09:59:59.999Z') },
      expected: deny('grant_not_started', 403),
    },
  ],
};

export const partnerGrantAccessTable: DecisionTable<PartnerGrantAccessInput, Decision<PartnerGrantAccessReason>> = {
  title: 'decidePartnerGrantAccess',
  decide: decidePartnerGrantAccess,
  rows: [
    { name: 'active grant of the partner', input: { partner, grant, now: NOW }, expected: allow() },
    { name: 'unknown partner', input: { partner: null, grant, now: NOW }, expected: deny('partner_unknown', 404) },
    {
      name: 'suspended partner',
      input: { partner: givenPartner({ status: 'suspended' }), grant, now: NOW },
      expected: deny('partner_suspended', 403),
    },
    {
      name: 'partner with unknown status',
      input: { partner: partnerWithUnknownStatus, grant, now: NOW },
      expected: deny('partner_suspended', 403),
    },
    {
      name: "suspended partner, another partner's grant",
      input: { partner: givenPartner({ status: 'suspended' }), grant: givenGrant({ partnerId: OTHER_PARTNER_ID }), now: NOW },
      expected: deny('partner_suspended', 403),
    },
    { name: 'unknown grant', input: { partner, grant: null, now: NOW }, expected: deny('grant_not_found', 404) },
    {
      name: "another partner's grant",
      input: { partner, grant: givenGrant({ partnerId: OTHER_PARTNER_ID }), now: NOW },
      expected: deny('grant_not_found', 404),
    },
    {
      name: "another partner's revoked grant",
      input: { partner, grant: givenGrant({ partnerId: OTHER_PARTNER_ID, revokedAt: NOW }), now: NOW },
      expected: deny('grant_not_found', 404),
    },
    {
      name: 'revoked grant',
      input: { partner, grant: givenGrant({ revokedAt: shift(NOW, -1) }), now: NOW },
      expected: deny('grant_revoked', 403),
    },
    {
      name: 'revocation stamped after now',
      input: { partner, grant: givenGrant({ revokedAt: shift(NOW, 1000) }), now: NOW },
      expected: deny('grant_revoked', 403),
    },
    {
      name: 'revoked and expired grant',
      input: { partner, grant: givenGrant({ revokedAt: GRANT_STARTS_AT }), now: GRANT_ENDS_AT },
      expected: deny('grant_revoked', 403),
    },
    {
      name: 'grant not started',
      input: { partner, grant: givenGrant({ startsAt: shift(NOW, 1), endsAt: GRANT_ENDS_AT }), now: NOW },
      expected: deny('grant_not_started', 403),
    },
    { name: 'expired grant', input: { partner, grant, now: GRANT_ENDS_AT }, expected: deny('grant_expired', 403) },
    {
      name: 'invalid now',
      input: { partner, grant, now: new Date(Number.NaN) },
      expected: deny('grant_not_started', 403),
    },
    {
      name: 'invalid grant end',
      input: { partner, grant: givenGrant({ endsAt: new Date(Number.NaN) }), now: NOW },
      expected: deny('grant_expired', 403),
    },
    ...grantBoundaryTable.rows,
  ],
};

const read = (overrides: Partial<PartnerDocumentReadInput>): PartnerDocumentReadInput => ({
  partner,
  grant,
  document: givenDocument(),
  now: NOW,
  ...overrides,
});

export const partnerDocumentReadTable: DecisionTable<PartnerDocumentReadInput, Decision<PartnerDocumentReadReason>> = {
  title: 'decidePartnerDocumentRead',
  decide: decidePartnerDocumentRead,
  rows: [
    { name: 'listed document', input: read({}), expected: allow() },
    {
      // DocumentFacts carries no creation date, so a document added to the
      // category after the grant is this same case.
      name: 'document of a granted category',
      input: read({ document: givenDocument({ id: 'doc-certificate', category: 'medical' }) }),
      expected: allow(),
    },
    {
      name: 'listed document at endsAt - 1 ms',
      input: read({ now: shift(GRANT_ENDS_AT, -1) }),
      expected: allow(),
    },
    { name: 'unknown partner', input: read({ partner: null }), expected: deny('partner_unknown', 404) },
    {
      name: 'suspended partner',
      input: read({ partner: givenPartner({ status: 'suspended' }) }),
      expected: deny('partner_suspended', 403),
    },
    { name: 'unknown grant', input: read({ grant: null }), expected: deny('grant_not_found', 404) },
    {
      name: "another partner's grant",
      input: read({ grant: givenGrant({ partnerId: OTHER_PARTNER_ID }) }),
      expected: deny('grant_not_found', 404),
    },
    { name: 'revoked grant', input: read({ grant: givenGrant({ revokedAt: NOW }) }), expected: deny('grant_revoked', 403) },
    {
      name: 'grant not started',
      input: read({ now: shift(GRANT_STARTS_AT, -1) }),
      expected: deny('grant_not_started', 403),
    },
    { name: 'listed document at endsAt', input: read({ now: GRANT_ENDS_AT }), expected: deny('grant_expired', 403) },
    {
      name: 'expired grant, unknown document',
      input: read({ now: GRANT_ENDS_AT, document: null }),
      expected: deny('grant_expired', 403),
    },
    { name: 'unknown document', input: read({ document: null }), expected: deny('document_not_found', 404) },
    {
      name: 'deleted listed document',
      input: read({ document: givenDocument({ deletedAt: shift(NOW, -1) }) }),
      expected: deny('document_not_found', 404),
    },
    {
      name: "another person's document listed by id",
      input: read({ document: givenDocument({ ownerId: OTHER_PERSON_ID }) }),
      expected: deny('document_not_found', 404),
    },
    {
      name: "another person's document in a granted category",
      input: read({ document: givenDocument({ id: 'doc-other', ownerId: OTHER_PERSON_ID, category: 'medical' }) }),
      expected: deny('document_not_found', 404),
    },
    {
      name: 'document outside list and categories',
      input: read({ document: givenDocument({ id: 'doc-payslip', category: 'employment' }) }),
      expected: deny('document_not_in_scope', 404),
    },
    {
      name: "unlisted document of a listed document's category",
      input: read({ document: givenDocument({ id: 'doc-cmi', category: 'decision_mdph' }) }),
      expected: deny('document_not_in_scope', 404),
    },
  ],
};
