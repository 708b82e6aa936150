import { describe, expect, it } from 'vitest';

import {
  decideOwnerDocumentAccess,
  decideOwnerDocumentCollectionAccess,
  ROLES_WITHOUT_DOCUMENT_ACCESS,
  STAFF_ACTIONS,
} from '../../policies/index.js';
import { staffActionTable } from './cases/staff.cases.js';
import { givenDocument, PERSON_ID } from './support/facts.js';
import { testDecisionTable } from './support/test-decision-table.js';

testDecisionTable(staffActionTable);

describe('STAFF_ACTIONS', () => {
  it('lists every staff action once', () => {
    expect([...STAFF_ACTIONS].sort()).toStrictEqual(['audit.export', 'audit.read', 'audit.verify', 'key.rotate', 'partner.manage']);
  });
});

describe('ROLES_WITHOUT_DOCUMENT_ACCESS', () => {
  it('names the DPO and the administrator', () => {
    expect([...ROLES_WITHOUT_DOCUMENT_ACCESS].sort()).toStrictEqual(['admin', 'dpo']);
  });

  it.each(ROLES_WITHOUT_DOCUMENT_ACCESS)('%s cannot read even a document of its own account', (role) => {
    const actor = { accountId: PERSON_ID, roles: ['person', role] as const };

    expect(decideOwnerDocumentAccess({ actor, document: givenDocument() })).toStrictEqual({
      effect: 'deny',
      reason: 'role_not_allowed',
      status: 403,
    });
    expect(decideOwnerDocumentCollectionAccess({ actor })).toStrictEqual({
      effect: 'deny',
      reason: 'role_not_allowed',
      status: 403,
    });
  });
});
