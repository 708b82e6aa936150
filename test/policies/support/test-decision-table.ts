import { describe, expect, it } from 'vitest';

import type { DecisionRow, DecisionTable } from './decision-table.js';

/** Declares one test per row of `table`, each asserting the exact decision (effect, reason, status and any values). */
export function testDecisionTable<I, E>(table: DecisionTable<I, E>): void {
  describe(table.title, () => {
    it.each<DecisionRow<I, E>>(table.rows)('$name', ({ input, expected }) => {
      expect(table.decide(input)).toStrictEqual(expected);
    });
  });
}
