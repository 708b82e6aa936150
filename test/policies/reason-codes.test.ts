import { describe, expect, it } from 'vitest';

import { REASON_CODES } from '../../policies/index.js';
import { accountErasureTable } from './cases/account-erasure.cases.js';
import { accessRequestAnswerTable, approvalDurationTable, sharingCodeUseTable } from './cases/access-request.cases.js';
import { grantCreationTable } from './cases/grant-creation.cases.js';
import { grantRevocationTable } from './cases/grant-revocation.cases.js';
import { ownerDocumentCollectionTable, ownerDocumentTable } from './cases/owner-document.cases.js';
import { partnerDocumentReadTable, partnerGrantAccessTable, partnerStandingTable } from './cases/partner-read.cases.js';
import { staffActionTable } from './cases/staff.cases.js';
import { evaluateTable, type RowOutcome } from './support/decision-table.js';

const tables = [
  ownerDocumentTable,
  ownerDocumentCollectionTable,
  partnerStandingTable,
  partnerGrantAccessTable,
  partnerDocumentReadTable,
  grantCreationTable,
  grantRevocationTable,
  sharingCodeUseTable,
  accessRequestAnswerTable,
  approvalDurationTable,
  staffActionTable,
  accountErasureTable,
] as const;

// Runs every decision table again and looks at what the decisions actually
// returned, not at the expected values written in the rows.
const outcomes: RowOutcome[] = [
  ...evaluateTable(ownerDocumentTable),
  ...evaluateTable(ownerDocumentCollectionTable),
  ...evaluateTable(partnerStandingTable),
  ...evaluateTable(partnerGrantAccessTable),
  ...evaluateTable(partnerDocumentReadTable),
  ...evaluateTable(grantCreationTable),
  ...evaluateTable(grantRevocationTable),
  ...evaluateTable(sharingCodeUseTable),
  ...evaluateTable(accessRequestAnswerTable),
  ...evaluateTable(approvalDurationTable),
  ...evaluateTable(staffActionTable),
  ...evaluateTable(accountErasureTable),
];

interface ObservedDenial {
  reason: string;
  status: number;
  where: string;
}

function isDenial(value: unknown): value is { effect: 'deny'; reason: string; status: number } {
  return typeof value === 'object' && value !== null && (value as { effect?: unknown }).effect === 'deny';
}

const denials: ObservedDenial[] = outcomes.flatMap(({ table, row, actual }) =>
  isDenial(actual) ? [{ reason: actual.reason, status: actual.status, where: `${table}: ${row}` }] : [],
);

describe('REASON_CODES', () => {
  it('has no duplicate', () => {
    expect(new Set(REASON_CODES).size).toBe(REASON_CODES.length);
  });

  it.each([...REASON_CODES])('%s is returned by some table row', (code) => {
    const producers = denials.filter((denial) => denial.reason === code);

    expect(producers.length).toBeGreaterThan(0);
  });

  it('lists every reason the tables produce', () => {
    const known: readonly string[] = REASON_CODES;
    const unlisted = denials.filter((denial) => !known.includes(denial.reason)).map((denial) => denial.where);

    expect(unlisted).toStrictEqual([]);
  });

  it.each([...REASON_CODES])('%s always comes with one status', (code) => {
    const statuses = new Set(denials.filter((denial) => denial.reason === code).map((denial) => denial.status));

    expect(statuses.size).toBe(1);
  });
});

describe('decision tables', () => {
  it.each(tables.map((table) => table.title))('%s has an allowed row', (title) => {
    const allowed = outcomes.filter((outcome) => outcome.table === title && !isDenial(outcome.actual));

    expect(allowed.length).toBeGreaterThan(0);
  });
});
