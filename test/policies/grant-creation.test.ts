import { describe, expect, it } from 'vitest';

import { decideGrantCreation, type GrantCreationInput } from '../../policies/index.js';
import { grantCreationTable } from './cases/grant-creation.cases.js';
import { givenDocument, givenPartner, NOW, PERSON_ID } from './support/facts.js';
import { testDecisionTable } from './support/test-decision-table.js';

testDecisionTable(grantCreationTable);

describe('decideGrantCreation window', () => {
  const input: GrantCreationInput = {
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
  };

  it('returns copies of the input dates', () => {
    const decision = decideGrantCreation(input);
    if (decision.effect !== 'allow') throw new Error(`expected allow, got ${decision.reason}`);

    expect(decision.window.startsAt).not.toBe(NOW);
    decision.window.startsAt.setTime(0);
    expect(NOW.toISOString()).toBe('2027-06-15T10:00:00.000Z');
  });
});
