import { grantRevocationTable } from './cases/grant-revocation.cases.js';
import { testDecisionTable } from './support/test-decision-table.js';

testDecisionTable(grantRevocationTable);
