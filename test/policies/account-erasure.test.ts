import { accountErasureTable } from './cases/account-erasure.cases.js';
import { testDecisionTable } from './support/test-decision-table.js';

testDecisionTable(accountErasureTable);
