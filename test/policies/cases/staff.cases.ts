import {
  allow,
  decideStaffAction,
  deny,
  type Decision,
  type Role,
  type StaffAction,
  type StaffActionInput,
} from '../../../policies/index.js';
import type { DecisionRow, DecisionTable } from '../support/decision-table.js';

// The expected matrix is written out here rather than derived from
// STAFF_ACTION_ROLE, so a change to that map shows up as a failing row.
const ALLOWED_ACTIONS: ReadonlyArray<{ roles: readonly Role[]; allowed: readonly StaffAction[] }> = [
  { roles: ['dpo'], allowed: ['audit.read', 'audit.export', 'audit.verify'] },
  { roles: ['admin'], allowed: ['partner.manage', 'key.rotate'] },
  { roles: ['person'], allowed: [] },
  { roles: [], allowed: [] },
  { roles: ['dpo', 'admin'], allowed: ['audit.read', 'audit.export', 'audit.verify', 'partner.manage', 'key.rotate'] },
];

const ACTIONS: readonly StaffAction[] = ['audit.read', 'audit.export', 'audit.verify', 'partner.manage', 'key.rotate'];

const matrixRows: DecisionRow<StaffActionInput, Decision<'role_not_allowed'>>[] = ALLOWED_ACTIONS.flatMap(({ roles, allowed }) =>
  ACTIONS.map((action) => ({
    name: `[${roles.join(', ')}] ${action}`,
    input: { roles, action },
    expected: allowed.includes(action) ? allow() : deny('role_not_allowed', 403),
  })),
);

export const staffActionTable: DecisionTable<StaffActionInput, Decision<'role_not_allowed'>> = {
  title: 'decideStaffAction',
  decide: decideStaffAction,
  rows: [
    ...matrixRows,
    {
      name: 'dpo, unknown action',
      input: { roles: ['dpo'], action: 'audit.delete' as StaffAction },
      expected: deny('role_not_allowed', 403),
    },
    {
      name: 'admin, prototype key as action',
      input: { roles: ['admin'], action: 'constructor' as StaffAction },
      expected: deny('role_not_allowed', 403),
    },
  ],
};
