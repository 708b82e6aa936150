import { describe, expect, it } from 'vitest';

import { decideSharingCodeUse } from '../../policies/index.js';
import { accessRequestAnswerTable, approvalDurationTable, sharingCodeUseTable } from './cases/access-request.cases.js';
import { NOW, PERSON_ID, shift } from './support/facts.js';
import { testDecisionTable } from './support/test-decision-table.js';

testDecisionTable(sharingCodeUseTable);
testDecisionTable(accessRequestAnswerTable);
testDecisionTable(approvalDurationTable);

describe('decideSharingCodeUse denials', () => {
  it('are identical for unknown, expired and revoked codes', () => {
    const unknown = decideSharingCodeUse({ code: null, now: NOW });
    const expired = decideSharingCodeUse({ code: { personId: PERSON_ID, expiresAt: NOW, revokedAt: null }, now: NOW });
    const revoked = decideSharingCodeUse({ code: { personId: PERSON_ID, expiresAt: shift(NOW, 60_000), revokedAt: NOW }, now: NOW });

    expect(expired).toStrictEqual(unknown);
    expect(revoked).toStrictEqual(unknown);
  });
});
