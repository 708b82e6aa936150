import { ApiError } from '../server/cli/partner-client/partner-api-client.js';

/** Outcome of one step of the demo, for the summary table. */
export interface StepOutcome {
  number: number;
  title: string;
  passed: boolean;
  summary: string;
}

/** Checks of one step as it runs: each prints one ✔ or ✘ line at once. */
export class StepChecks {
  failures = 0;

  /** Prints `line` with ✔ when `passed`, else ✘, and returns `passed`. */
  check(passed: boolean, line: string): boolean {
    if (!passed) this.failures += 1;
    console.log(`   ${passed ? '✔' : '✘'} ${line}`);
    return passed;
  }

  /** Prints a line that is not a check. */
  note(line: string): void {
    console.log(`     ${line}`);
  }
}

/**
 * Runs one step: prints its title, runs `body`, then prints the step's
 * result line, `✔ Étape N : summary` when every check passed and nothing
 * was thrown, else `✘ Étape N : …`. A thrown error fails the step with its message.
 */
export async function runStep(number: number, title: string, body: (checks: StepChecks) => Promise<string>): Promise<StepOutcome> {
  console.log(`\nÉtape ${number} – ${title}`);
  const checks = new StepChecks();
  let summary = '';
  let error: string | null = null;
  try {
    summary = await body(checks);
  } catch (thrown) {
    error = describeError(thrown);
    checks.check(false, error);
  }
  const passed = checks.failures === 0;
  if (!passed) summary = error ?? `${checks.failures} vérification(s) en échec`;
  console.log(`${passed ? '✔' : '✘'} Étape ${number} : ${summary}`);
  return { number, title, passed, summary };
}

/** Prints the summary table and returns true when every step passed. */
export function printSummary(outcomes: readonly StepOutcome[]): boolean {
  const titleWidth = Math.max(...outcomes.map((outcome) => [...outcome.title].length), 'Étape'.length);
  console.log('\nRécapitulatif');
  console.log(`  N° | Résultat  | Étape`);
  console.log(`  ---|-----------|-${'-'.repeat(titleWidth)}`);
  for (const outcome of outcomes) {
    console.log(`  ${String(outcome.number).padStart(2)} | ${outcome.passed ? '✔ réussie' : '✘ échec  '} | ${outcome.title}`);
  }
  const passed = outcomes.filter((outcome) => outcome.passed).length;
  console.log(`\n${passed} étape(s) réussie(s) sur ${outcomes.length}.`);
  return passed === outcomes.length;
}

// The partner client's ApiError carries the vault's French problem title and
// detail as its message, and the status and code apart.
function describeError(error: unknown): string {
  if (error instanceof ApiError) return `HTTP ${error.status} ${error.code} – ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
