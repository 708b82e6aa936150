import {
  addUtcYears,
  decideGrantCreation,
  deny,
  GRANT_START_TOLERANCE_MS,
  type GrantCreationDecision,
  type GrantCreationInput,
} from '../../../policies/index.js';
import type { DecisionTable } from '../support/decision-table.js';
import { givenDocument, givenPartner, MINUTE_MS, NOW, OTHER_PERSON_ID, PERSON_ID, shift } from '../support/facts.js';

const utc = (iso: string): Date => new Date(iso);

/** Builds a valid request (one own document, a fixed purpose, default window) with `overrides` applied. */
function request(overrides: Partial<GrantCreationInput> = {}): GrantCreationInput {
  return {
    person: { accountId: PERSON_ID },
    partner: givenPartner(),
    documents: [givenDocument()],
    missingDocumentIds: [],
    categories: [],
    purpose: 'employment_support',
    purposeText: null,
    startsAt: null,
    endsAt: null,
    now: NOW,
    ...overrides,
  };
}

function allowed(startsAt: Date, endsAt: Date, purposeText: string | null = null): GrantCreationDecision {
  return { effect: 'allow', window: { startsAt, endsAt }, purposeText };
}

const DEFAULT_END = utc('2027-09-15T10:00:00.000Z');
const ONE_YEAR_LATER = addUtcYears(NOW, 1);

export const grantCreationTable: DecisionTable<GrantCreationInput, GrantCreationDecision> = {
  title: 'decideGrantCreation',
  decide: decideGrantCreation,
  rows: [
    // Allowed requests and the window they store.
    { name: 'listed document, default window', input: request(), expected: allowed(NOW, DEFAULT_END) },
    {
      name: 'categories only',
      input: request({ documents: [], categories: ['medical', 'decision_mdph'] }),
      expected: allowed(NOW, DEFAULT_END),
    },
    {
      name: 'other purpose with text, trimmed',
      input: request({ purpose: 'other', purposeText: '  Préparer mon dossier RQTH  ' }),
      expected: allowed(NOW, DEFAULT_END, 'Préparer mon dossier RQTH'),
    },
    {
      name: 'other purpose, text of 3 code points',
      input: request({ purpose: 'other', purposeText: 'abc' }),
      expected: allowed(NOW, DEFAULT_END, 'abc'),
    },
    {
      name: 'other purpose, decomposed accents normalized',
      input: request({ purpose: 'other', purposeText: 'e\u0301te\u0301' }),
      expected: allowed(NOW, DEFAULT_END, '\u00e9t\u00e9'),
    },
    {
      name: 'other purpose, 500 code points',
      input: request({ purpose: 'other', purposeText: 'é'.repeat(500) }),
      expected: allowed(NOW, DEFAULT_END, 'é'.repeat(500)),
    },
    {
      name: 'other purpose, 500 emoji',
      input: request({ purpose: 'other', purposeText: '📄'.repeat(500) }),
      expected: allowed(NOW, DEFAULT_END, '📄'.repeat(500)),
    },
    {
      name: 'fixed purpose with empty text',
      input: request({ purpose: 'training_access', purposeText: '' }),
      expected: allowed(NOW, DEFAULT_END),
    },
    {
      name: 'fixed purpose with blank text',
      input: request({ purpose: 'rights_application', purposeText: ' \n\t ' }),
      expected: allowed(NOW, DEFAULT_END),
    },
    {
      name: 'start exactly at the tolerance',
      input: request({ startsAt: shift(NOW, -GRANT_START_TOLERANCE_MS) }),
      expected: allowed(utc('2027-06-15T09:55:00.000Z'), utc('2027-09-15T09:55:00.000Z')),
    },
    {
      name: 'future start, default end clamps to Feb 29',
      input: request({ startsAt: utc('2027-11-30T00:00:00.000Z') }),
      expected: allowed(utc('2027-11-30T00:00:00.000Z'), utc('2028-02-29T00:00:00.000Z')),
    },
    { name: 'exactly one year', input: request({ endsAt: ONE_YEAR_LATER }), expected: allowed(NOW, ONE_YEAR_LATER) },
    {
      name: 'one year from Feb 29',
      input: request({ startsAt: utc('2028-02-29T00:00:00.000Z'), endsAt: utc('2029-02-28T00:00:00.000Z') }),
      expected: allowed(utc('2028-02-29T00:00:00.000Z'), utc('2029-02-28T00:00:00.000Z')),
    },
    {
      name: 'one year of 366 days',
      input: request({ startsAt: utc('2027-03-01T00:00:00.000Z'), endsAt: utc('2028-03-01T00:00:00.000Z'), now: utc('2027-03-01T00:00:00.000Z') }),
      expected: allowed(utc('2027-03-01T00:00:00.000Z'), utc('2028-03-01T00:00:00.000Z')),
    },
    { name: 'one millisecond long', input: request({ endsAt: shift(NOW, 1) }), expected: allowed(NOW, shift(NOW, 1)) },

    // Partner.
    { name: 'unknown partner', input: request({ partner: null }), expected: deny('partner_not_found', 404) },
    {
      name: 'suspended partner',
      input: request({ partner: givenPartner({ status: 'suspended' }) }),
      expected: deny('partner_not_active', 422),
    },

    // Documents: missing, deleted and foreign ids get the same denial.
    { name: 'missing document id', input: request({ missingDocumentIds: ['doc-unknown'] }), expected: deny('document_not_found', 404) },
    {
      name: "another person's document",
      input: request({ documents: [givenDocument(), givenDocument({ id: 'doc-other', ownerId: OTHER_PERSON_ID })] }),
      expected: deny('document_not_found', 404),
    },
    {
      name: 'deleted own document',
      input: request({ documents: [givenDocument({ deletedAt: shift(NOW, -MINUTE_MS) })] }),
      expected: deny('document_not_found', 404),
    },
    {
      name: 'missing id only, no other scope',
      input: request({ documents: [], missingDocumentIds: ['doc-unknown'] }),
      expected: deny('document_not_found', 404),
    },

    // Scope.
    { name: 'unknown category', input: request({ categories: ['medical', 'finances'] }), expected: deny('category_unknown', 422) },
    { name: 'category in upper case', input: request({ categories: ['MEDICAL'] }), expected: deny('category_unknown', 422) },
    { name: 'prototype key as category', input: request({ categories: ['constructor'] }), expected: deny('category_unknown', 422) },
    { name: 'no document and no category', input: request({ documents: [] }), expected: deny('scope_empty', 422) },

    // Purpose.
    { name: 'unknown purpose', input: request({ purpose: 'marketing' }), expected: deny('purpose_unknown', 422) },
    { name: 'empty purpose', input: request({ purpose: '' }), expected: deny('purpose_unknown', 422) },
    { name: 'other purpose without text', input: request({ purpose: 'other' }), expected: deny('purpose_text_required', 422) },
    { name: 'other purpose, blank text', input: request({ purpose: 'other', purposeText: '   ' }), expected: deny('purpose_text_required', 422) },
    { name: 'other purpose, 2 code points', input: request({ purpose: 'other', purposeText: ' ab ' }), expected: deny('purpose_text_required', 422) },
    {
      name: 'other purpose, 501 code points',
      input: request({ purpose: 'other', purposeText: 'é'.repeat(501) }),
      expected: deny('purpose_text_required', 422),
    },
    {
      name: 'fixed purpose with text',
      input: request({ purpose: 'workplace_adjustment', purposeText: 'Aménagement du poste' }),
      expected: deny('purpose_text_not_allowed', 422),
    },

    // Window.
    { name: 'end before start', input: request({ endsAt: shift(NOW, -1) }), expected: deny('grant_window_invalid', 422) },
    { name: 'end equal to start', input: request({ endsAt: NOW }), expected: deny('grant_window_invalid', 422) },
    {
      name: 'end before a future start',
      input: request({ startsAt: utc('2027-07-01T00:00:00.000Z'), endsAt: utc('2027-06-30T00:00:00.000Z') }),
      expected: deny('grant_window_invalid', 422),
    },
    { name: 'invalid start', input: request({ startsAt: new Date(Number.NaN) }), expected: deny('grant_window_invalid', 422) },
    { name: 'invalid end', input: request({ endsAt: new Date('not a date') }), expected: deny('grant_window_invalid', 422) },
    { name: 'invalid now', input: request({ now: new Date(Number.NaN) }), expected: deny('grant_window_invalid', 422) },
    {
      name: 'start 1 ms beyond the tolerance',
      input: request({ startsAt: shift(NOW, -GRANT_START_TOLERANCE_MS - 1) }),
      expected: deny('grant_start_in_past', 422),
    },
    {
      name: 'start in the past with an end',
      input: request({ startsAt: utc('2027-01-01T00:00:00.000Z'), endsAt: utc('2027-07-01T00:00:00.000Z') }),
      expected: deny('grant_start_in_past', 422),
    },
    { name: 'one year + 1 ms', input: request({ endsAt: shift(ONE_YEAR_LATER, 1) }), expected: deny('grant_too_long', 422) },
    {
      name: 'Feb 29 start, ends Mar 1 next year',
      input: request({ startsAt: utc('2028-02-29T00:00:00.000Z'), endsAt: utc('2029-03-01T00:00:00.000Z') }),
      expected: deny('grant_too_long', 422),
    },
    {
      name: 'Feb 29 start, 1 ms past Feb 28 next year',
      input: request({ startsAt: utc('2028-02-29T00:00:00.000Z'), endsAt: utc('2029-02-28T00:00:00.001Z') }),
      expected: deny('grant_too_long', 422),
    },
  ],
};
