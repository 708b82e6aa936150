import path from 'node:path';

import { setLogLevel } from '../server/logging/logger.js';
import { setup as startEmbeddedServer, teardown as stopEmbeddedServer } from '../test/support/global-setup.js';
import { runAuditBench } from './suite/audit.js';
import { runCryptoBench } from './suite/crypto.js';
import { runPartnerReadBench } from './suite/partner-read.js';
import { runScaleBench } from './suite/scale.js';
import { runTransferBench } from './suite/transfer.js';
import { runAllCleanups } from './support/cleanup.js';
import { describeRun, readMachineFacts } from './support/machine.js';
import { targetTable, writeBlocks, type BenchSection, type TargetRow } from './support/report-file.js';

// `npm run bench` runs every benchmark against the PostgreSQL server in
// DATABASE_URL (else an embedded one in a temporary folder) and rewrites
// their blocks in docs/benchmarks.md. `npm run bench -- crypto scale` runs
// only those. Every figure is a ratio against a ceiling measured in the same
// run, because absolute numbers drift on a shared machine.
//
// Settings (environment):
//   BENCH_MAX_MINUTES  limit of the whole run, in minutes (default 20). A full run takes
//                      about 15 minutes on 2 cores; the limit leaves room for a loaded machine.

const BENCHMARKS: Record<string, () => Promise<BenchSection>> = {
  crypto: runCryptoBench,
  transfer: runTransferBench,
  'partner-read': runPartnerReadBench,
  audit: runAuditBench,
  scale: runScaleBench,
};
const REPORT_FILE = path.resolve('docs/benchmarks.md');
const MAX_MINUTES = Number(process.env.BENCH_MAX_MINUTES ?? 20);

const requested = process.argv.slice(2).filter((argument) => argument !== '--');
const unknown = requested.filter((name) => !(name in BENCHMARKS));
if (unknown.length > 0) {
  process.stderr.write(`bench: unknown benchmark "${unknown.join('", "')}"; choose among ${Object.keys(BENCHMARKS).join(', ')}, or none for all\n`);
  process.exit(2);
}
if (!Number.isFinite(MAX_MINUTES) || MAX_MINUTES <= 0) {
  process.stderr.write(`bench: invalid BENCH_MAX_MINUTES "${process.env.BENCH_MAX_MINUTES}"; set a positive number of minutes or leave it unset\n`);
  process.exit(2);
}
const selected = requested.length > 0 ? requested : Object.keys(BENCHMARKS);

setLogLevel('warn');
const embedded = !process.env.DATABASE_URL;
const watchdog = setTimeout(() => {
  process.stderr.write(`bench: the run exceeded BENCH_MAX_MINUTES (${MAX_MINUTES} min); stopping what it started and exiting\n`);
  // A cleanup that hangs must not keep the run alive past its limit.
  setTimeout(() => process.exit(1), 120_000).unref();
  void runAllCleanups()
    .then(() => (embedded ? stopEmbeddedServer() : undefined))
    .finally(() => process.exit(1));
}, MAX_MINUTES * 60_000);
watchdog.unref();

const started = performance.now();
const targets: TargetRow[] = [];
const failures: string[] = [];
try {
  if (embedded) await startEmbeddedServer();
  const databaseUrl = process.env.DATABASE_URL!;

  for (const name of selected) {
    process.stderr.write(`bench: ${name}…\n`);
    const facts = await readMachineFacts(databaseUrl);
    const benchStarted = performance.now();
    try {
      const section = await BENCHMARKS[name]!();
      const seconds = (performance.now() - benchStarted) / 1000;
      targets.push(...section.targets);
      writeBlocks(REPORT_FILE, [{ name, content: `${describeRun(facts, seconds)}\n\n${section.markdown}` }]);
      process.stderr.write(`bench: ${name} done in ${Math.round(seconds)} s\n${targetTable(section.targets)}\n`);
    } catch (error) {
      // One failed benchmark leaves its block unchanged and the others still run.
      failures.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
      process.stderr.write(`bench: ${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      await runAllCleanups();
    }
  }

  const totalSeconds = (performance.now() - started) / 1000;
  if (requested.length === 0) {
    const minutes = `${Math.floor(totalSeconds / 60)} min ${Math.round(totalSeconds % 60)} s`;
    const failed = failures.length === 0 ? '' : `\n\nFailed in this run, so their blocks below are older:\n\n${failures.map((failure) => `- ${failure}`).join('\n')}`;
    const summary = `Full run of ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${minutes} in all. Medians against their targets:\n\n${targetTable(targets)}${failed}`;
    writeBlocks(REPORT_FILE, [{ name: 'summary', content: summary }]);
  }
  process.stderr.write(`bench: finished in ${Math.round(totalSeconds)} s; ${path.relative(process.cwd(), REPORT_FILE)} rewritten\n`);
} finally {
  await runAllCleanups();
  if (embedded) await stopEmbeddedServer();
  clearTimeout(watchdog);
}
process.exitCode = failures.length > 0 ? 1 : 0;
