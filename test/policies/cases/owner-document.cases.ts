import {
  allow,
  decideOwnerDocumentAccess,
  decideOwnerDocumentCollectionAccess,
  deny,
  type Decision,
  type OwnerDocumentCollectionInput,
  type OwnerDocumentInput,
  type OwnerDocumentReason,
} from '../../../policies/index.js';
import type { DecisionTable } from '../support/decision-table.js';
import { givenDocument, NOW, OTHER_PERSON_ID, PERSON_ID } from '../support/facts.js';

const person = { accountId: PERSON_ID, roles: ['person'] } as const;
const ownDocument = givenDocument();

export const ownerDocumentTable: DecisionTable<OwnerDocumentInput, Decision<OwnerDocumentReason>> = {
  title: 'decideOwnerDocumentAccess',
  decide: decideOwnerDocumentAccess,
  rows: [
    { name: 'person reads own document', input: { actor: person, document: ownDocument }, expected: allow() },
    { name: 'unknown document', input: { actor: person, document: null }, expected: deny('not_found', 404) },
    {
      name: 'deleted own document',
      input: { actor: person, document: givenDocument({ deletedAt: NOW }) },
      expected: deny('not_found', 404),
    },
    {
      name: "another person's document",
      input: { actor: person, document: givenDocument({ ownerId: OTHER_PERSON_ID }) },
      expected: deny('not_found', 404),
    },
    {
      name: 'dpo on own account document',
      input: { actor: { accountId: PERSON_ID, roles: ['dpo'] }, document: ownDocument },
      expected: deny('role_not_allowed', 403),
    },
    {
      name: 'admin on own account document',
      input: { actor: { accountId: PERSON_ID, roles: ['admin'] }, document: ownDocument },
      expected: deny('role_not_allowed', 403),
    },
    {
      name: 'person who is also dpo',
      input: { actor: { accountId: PERSON_ID, roles: ['person', 'dpo'] }, document: ownDocument },
      expected: deny('role_not_allowed', 403),
    },
    {
      name: 'account without roles',
      input: { actor: { accountId: PERSON_ID, roles: [] }, document: ownDocument },
      expected: deny('role_not_allowed', 403),
    },
    {
      name: 'dpo on unknown document',
      input: { actor: { accountId: PERSON_ID, roles: ['dpo'] }, document: null },
      expected: deny('role_not_allowed', 403),
    },
  ],
};

export const ownerDocumentCollectionTable: DecisionTable<OwnerDocumentCollectionInput, Decision<'role_not_allowed'>> = {
  title: 'decideOwnerDocumentCollectionAccess',
  decide: decideOwnerDocumentCollectionAccess,
  rows: [
    { name: 'person', input: { actor: person }, expected: allow() },
    { name: 'dpo', input: { actor: { accountId: PERSON_ID, roles: ['dpo'] } }, expected: deny('role_not_allowed', 403) },
    { name: 'admin', input: { actor: { accountId: PERSON_ID, roles: ['admin'] } }, expected: deny('role_not_allowed', 403) },
    {
      name: 'person who is also admin',
      input: { actor: { accountId: PERSON_ID, roles: ['person', 'admin'] } },
      expected: deny('role_not_allowed', 403),
    },
    { name: 'no roles', input: { actor: { accountId: PERSON_ID, roles: [] } }, expected: deny('role_not_allowed', 403) },
  ],
};
