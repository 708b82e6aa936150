import os from 'node:os';

import { sql, type Kysely } from 'kysely';

import { verifyChain, type ScanOutcome } from '../../audit/verify.js';
import { setLogLevel } from '../../server/logging/logger.js';
import { setup as startEmbeddedServer, teardown as stopEmbeddedServer } from '../../test/support/global-setup.js';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.js';
import { chainedAppend, createPlainTable, plainInsert, round, runTimedLoad, type LoadResult } from './append-load.js';
import { buildExportLines, loadChain, vacuumAuditEvents, verifyExportInMemory } from './verify-load.js';

// Measures the audit log's two speeds on fresh databases: appends per second
// through appendAuditEvent against plain inserts of the same rows, and
// verification in entries per second over a generated chain. Prints a JSON
// summary and exits 0 whether or not the targets are met. It exits 1 only
// when a measurement fails or the run exceeds BENCH_MAX_SECONDS.
//
// Settings (environment):
//   BENCH_APPEND_SECONDS  duration of each append load, in seconds (default 5)
//   BENCH_RUNS            repetitions of each measurement (default 3)
//   BENCH_VERIFY_ENTRIES  entries in the verified chain (default 1,000,000)
//   BENCH_OFFLINE         'false' skips the offline verifier, which holds the whole export in memory
//   BENCH_MAX_SECONDS     limit of the whole run, in seconds (default 480)

const APPEND_SECONDS = positiveNumber('BENCH_APPEND_SECONDS', 5);
const RUNS = positiveNumber('BENCH_RUNS', 3, true);
const VERIFY_ENTRIES = positiveNumber('BENCH_VERIFY_ENTRIES', 1_000_000, true);
const WITH_OFFLINE = process.env.BENCH_OFFLINE !== 'false';
const MAX_SECONDS = positiveNumber('BENCH_MAX_SECONDS', 480);

const CONCURRENCIES = [1, 8, 32];
const APPEND_POOL_SIZE = 40;
const TARGET_RATIO_AT_8 = 0.5;
const TARGET_VERIFY_PER_SECOND = 200_000;
const VERIFY_BATCH_SIZE = 5_000;

setLogLevel('warn');
const openDatabases = new Set<TestDatabase>();
const embedded = !process.env.DATABASE_URL;

const watchdog = setTimeout(() => {
  process.stderr.write(`bench:audit: the run exceeded BENCH_MAX_SECONDS (${MAX_SECONDS} s); dropping its databases and exiting\n`);
  void cleanUp().finally(() => process.exit(1));
}, MAX_SECONDS * 1000);
watchdog.unref();

try {
  if (embedded) await startEmbeddedServer();
  const startedAt = new Date();
  const loadBefore = os.loadavg();

  const appends = await measureAppends();
  const verification = await measureVerification();

  const summary = {
    date: startedAt.toISOString(),
    machine: {
      cpus: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown'}`,
      memoryGiB: round(os.totalmem() / 2 ** 30, 1),
      node: process.version,
      loadAverageBefore: loadBefore.map((value) => round(value, 2)),
      loadAverageAfter: os.loadavg().map((value) => round(value, 2)),
    },
    database: { ...verification.server, embedded },
    settings: { appendSeconds: APPEND_SECONDS, runs: RUNS, appendPoolSize: APPEND_POOL_SIZE, verifyEntries: VERIFY_ENTRIES, verifyBatchSize: VERIFY_BATCH_SIZE },
    appends,
    verification: verification.results,
    targets: {
      appendRatioAt8: { target: TARGET_RATIO_AT_8, median: appends.find((row) => row.concurrency === 8)?.ratio.median ?? null },
      verifyEntriesPerSecond: { target: TARGET_VERIFY_PER_SECOND, median: verification.results.database.entriesPerSecond.median },
    },
  };
  const ratioAt8 = summary.targets.appendRatioAt8.median;
  Object.assign(summary.targets.appendRatioAt8, { met: ratioAt8 !== null && ratioAt8 >= TARGET_RATIO_AT_8 });
  Object.assign(summary.targets.verifyEntriesPerSecond, { met: summary.targets.verifyEntriesPerSecond.median >= TARGET_VERIFY_PER_SECOND });

  process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
} catch (error) {
  process.stderr.write(`bench:audit failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
} finally {
  await cleanUp();
  clearTimeout(watchdog);
}

/**
 * Measures chained appends and plain inserts at each concurrency, alternating
 * the two so that a change in the machine's load touches both, and reports
 * the median and range of the rates and of the per-run ratio.
 */
async function measureAppends() {
  const database = await openDatabase(APPEND_POOL_SIZE);
  await createPlainTable(database.db);
  const chained = chainedAppend(database.db);
  const plain = plainInsert(database.db);

  // Warm-up, not counted: connections, prepared plans, the first pages of each table.
  await runTimedLoad(chained, 8, 1);
  await runTimedLoad(plain, 8, 1);

  const rows = [];
  for (const concurrency of CONCURRENCIES) {
    const chainedRuns: LoadResult[] = [];
    const plainRuns: LoadResult[] = [];
    for (let run = 0; run < RUNS; run++) {
      chainedRuns.push(await runTimedLoad(chained, concurrency, APPEND_SECONDS));
      plainRuns.push(await runTimedLoad(plain, concurrency, APPEND_SECONDS));
    }
    rows.push({
      concurrency,
      chainedPerSecond: summarize(chainedRuns.map((run) => run.perSecond)),
      plainPerSecond: summarize(plainRuns.map((run) => run.perSecond)),
      ratio: summarize(chainedRuns.map((run, index) => run.perSecond / (plainRuns[index] as LoadResult).perSecond), 3),
      chainedLatencyP50Ms: summarize(chainedRuns.map((run) => run.latencyP50Ms), 2),
      chainedLatencyP99Ms: summarize(chainedRuns.map((run) => run.latencyP99Ms), 2),
      plainLatencyP50Ms: summarize(plainRuns.map((run) => run.latencyP50Ms), 2),
      plainLatencyP99Ms: summarize(plainRuns.map((run) => run.latencyP99Ms), 2),
    });
  }

  const check = await verifyChain(database.db);
  if (!check.valid) throw new Error(`the chain written by the append loads does not verify: ${JSON.stringify(check.failure)}`);
  await closeDatabase(database);
  return rows;
}

/** Loads a generated log spread over the chains, then times `verifyChain` and the offline verifier over it. */
async function measureVerification() {
  const database = await openDatabase(4);
  const server = await serverSettings(database.db);

  const loaded = await loadChain(database.db, VERIFY_ENTRIES);
  await vacuumAuditEvents(database.db);

  const databaseRuns: number[] = [];
  const cpuRuns: number[] = [];
  // How each run verified: 'scan' (parallel scan), or chain by chain.
  const outcomes: string[] = [];
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    // Default options, as `npm run audit:verify` and the DPO's route use them.
    let outcome: ScanOutcome | 'in_order' = 'in_order';
    const report = await verifyChain(database.db, { batchSize: VERIFY_BATCH_SIZE, onScan: (scanOutcome) => (outcome = scanOutcome) });
    const cpu = process.cpuUsage(cpuStart);
    const seconds = (performance.now() - start) / 1000;
    if (!report.valid || report.entriesChecked !== VERIFY_ENTRIES) {
      throw new Error(`verifyChain did not verify the generated chain: ${JSON.stringify(report)}`);
    }
    outcomes.push(outcome);
    databaseRuns.push(VERIFY_ENTRIES / seconds);
    // This process's CPU time per entry, which the machine's other load
    // changes far less than the wall-clock rate.
    cpuRuns.push((cpu.user + cpu.system) / VERIFY_ENTRIES);
  }

  let offline = null;
  if (WITH_OFFLINE) {
    const exportLines = buildExportLines(VERIFY_ENTRIES);
    const offlineRuns: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const result = await verifyExportInMemory(exportLines);
      if (!result.valid || result.entriesChecked !== VERIFY_ENTRIES) throw new Error('the offline verifier did not verify the generated export');
      offlineRuns.push(VERIFY_ENTRIES / result.seconds);
    }
    offline = { entriesPerSecond: summarize(offlineRuns, 0) };
  }

  await closeDatabase(database);
  return {
    server,
    results: {
      load: { entries: loaded.entries, seconds: round(loaded.seconds, 1), entriesPerSecond: Math.round(loaded.entries / loaded.seconds) },
      database: { entriesPerSecond: summarize(databaseRuns, 0), nodeCpuMicrosecondsPerEntry: summarize(cpuRuns, 2), outcomes },
      offline,
    },
  };
}

async function openDatabase(poolSize: number): Promise<TestDatabase> {
  const database = await createTestDatabase({ poolSize });
  openDatabases.add(database);
  return database;
}

async function closeDatabase(database: TestDatabase): Promise<void> {
  openDatabases.delete(database);
  await database.destroy();
}

async function cleanUp(): Promise<void> {
  for (const database of [...openDatabases]) {
    await closeDatabase(database).catch((error: unknown) => {
      process.stderr.write(`bench:audit: could not drop database ${database.name}: ${String(error)}\n`);
    });
  }
  if (embedded) await stopEmbeddedServer();
}

async function serverSettings(db: Kysely<any>): Promise<Record<string, string>> {
  const settings: Record<string, string> = {};
  for (const name of ['server_version', 'fsync', 'synchronous_commit', 'shared_buffers', 'max_connections']) {
    const result = await sql<{ value: string }>`select current_setting(${name}) as value`.execute(db);
    settings[name] = result.rows[0]?.value ?? 'unknown';
  }
  return settings;
}

/** Median, smallest and largest value, and the range as a percentage of the median. */
function summarize(values: number[], digits = 1) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  const min = sorted[0] as number;
  const max = sorted[sorted.length - 1] as number;
  return {
    median: round(median, digits),
    min: round(min, digits),
    max: round(max, digits),
    spreadPercent: round(((max - min) / median) * 100, 1),
    runs: values.map((value) => round(value, digits)),
  };
}

function positiveNumber(name: string, fallback: number, integer = false): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new Error(`invalid ${name} "${text}": set a positive ${integer ? 'integer' : 'number'} or leave it unset`);
  }
  return value;
}
