import { describe, expect, it } from 'vitest';

import { decidePartnerGrantAccess, grantStatus } from '../../policies/index.js';
import { grantStatusTable } from './cases/grant-status.cases.js';
import {
  grantBoundaryTable,
  partnerDocumentReadTable,
  partnerGrantAccessTable,
  partnerStandingTable,
} from './cases/partner-read.cases.js';
import { givenPartner } from './support/facts.js';
import { testDecisionTable } from './support/test-decision-table.js';

testDecisionTable(partnerStandingTable);
testDecisionTable(partnerGrantAccessTable);
testDecisionTable(grantBoundaryTable);
testDecisionTable(partnerDocumentReadTable);
testDecisionTable(grantStatusTable);

describe('grantStatus and decidePartnerGrantAccess', () => {
  const statusToReason = { active: null, revoked: 'grant_revoked', expired: 'grant_expired', not_started: 'grant_not_started' };

  it.each(grantStatusTable.rows)('agree on $name', ({ input }) => {
    const decision = decidePartnerGrantAccess({ partner: givenPartner(), grant: input.grant, now: input.now });
    const reason = decision.effect === 'deny' ? decision.reason : null;

    expect(reason).toBe(statusToReason[grantStatus(input.grant, input.now)]);
  });
});
