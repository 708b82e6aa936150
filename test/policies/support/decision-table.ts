/** One row of a decision table: a named input and the exact decision expected for it. */
export interface DecisionRow<I, E> {
  name: string;
  input: I;
  expected: E;
}

/** A decision function with its table of rows, shared by its test file and the reason-code coverage test. */
export interface DecisionTable<I, E> {
  title: string;
  decide: (input: I) => E;
  rows: readonly DecisionRow<I, E>[];
}

/** What a row actually produced, for tests that check properties across tables. */
export interface RowOutcome {
  table: string;
  row: string;
  actual: unknown;
}

/** Runs every row of `table` and returns what each produced. */
export function evaluateTable<I, E>(table: DecisionTable<I, E>): RowOutcome[] {
  return table.rows.map((row) => ({ table: table.title, row: row.name, actual: table.decide(row.input) }));
}
