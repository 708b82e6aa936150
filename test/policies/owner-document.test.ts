import { ownerDocumentCollectionTable, ownerDocumentTable } from './cases/owner-document.cases.js';
import { testDecisionTable } from './support/test-decision-table.js';

testDecisionTable(ownerDocumentTable);
testDecisionTable(ownerDocumentCollectionTable);
