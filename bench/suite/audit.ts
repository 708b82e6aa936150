import { spawn } from 'node:child_process';
import path from 'node:path';

import { onCleanup } from '../support/cleanup.js';
import { targetTable, type BenchSection, type TargetRow } from '../support/report-file.js';
import { formatNumber, formatSpread, type Spread } from '../support/stats.js';

// Runs `npm run bench:audit` (bench/audit/run.ts) as it is, in a child
// process, and renders its JSON summary. This file relies only on these
// fields of that summary, so bench/audit can change everything else:
//   appends[]: concurrency, chainedPerSecond, plainPerSecond, ratio
//   verification.database.entriesPerSecond
//   targets.appendRatioAt8 and targets.verifyEntriesPerSecond: target, median, met
// where every rate and ratio is { median, min, max }.

// bench/audit stops itself after BENCH_MAX_SECONDS (480 s by default), then
// drops its databases, which takes minutes at a million entries on a loaded
// machine. The backstop leaves it that time.
const KILL_AFTER_MS = (Number(process.env.BENCH_MAX_SECONDS ?? 480) + 600) * 1000;

interface SummarySpread {
  median: number;
  min: number;
  max: number;
}

interface AuditSummary {
  appends: Array<{ concurrency: number; chainedPerSecond: SummarySpread; plainPerSecond: SummarySpread; ratio: SummarySpread }>;
  verification: { database: { entriesPerSecond: SummarySpread } };
  targets: {
    appendRatioAt8: { target: number; median: number | null; met: boolean };
    verifyEntriesPerSecond: { target: number; median: number; met: boolean };
  };
}

/** Runs bench/audit/run.ts and converts its summary into a section of docs/benchmarks.md. */
export async function runAuditBench(): Promise<BenchSection> {
  const stdout = await runAuditScript();
  return report(parseAuditSummary(stdout));
}

async function runAuditScript(): Promise<string> {
  const tsx = path.resolve('node_modules/.bin/tsx');
  const child = spawn(tsx, ['bench/audit/run.ts'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const kill = onCleanup(async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
  });
  const timer = setTimeout(() => void kill(), KILL_AFTER_MS);
  let stdout = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (text: string) => (stdout += text));
  // Its error output goes on to ours. Its own messages start with "bench:audit", and the last one names the cause of a failure.
  let lastError = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => {
    process.stderr.write(text);
    const own = text.split('\n').filter((line) => line.startsWith('bench:audit'));
    lastError = own.pop()?.trim() ?? lastError;
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  await kill();
  if (code !== 0) throw new Error(`bench/audit/run.ts exited with code ${code} (${lastError || 'no error output'}); run npm run bench:audit alone to see why`);
  return stdout;
}

/** Parses the JSON summary that bench/audit/run.ts prints, checking every field this benchmark reads. */
export function parseAuditSummary(stdout: string): AuditSummary {
  const start = stdout.indexOf('{');
  if (start === -1) throw new Error('bench/audit/run.ts printed no JSON summary');
  const summary = JSON.parse(stdout.slice(start)) as Partial<AuditSummary>;
  const require = (value: unknown, field: string): void => {
    if (value === undefined || value === null) throw new Error(`the audit summary has no ${field}; update bench/suite/audit.ts to its new format`);
  };
  require(summary.appends, 'appends');
  for (const row of summary.appends!) {
    require(row.ratio?.median, 'appends[].ratio.median');
    require(row.chainedPerSecond?.median, 'appends[].chainedPerSecond.median');
    require(row.plainPerSecond?.median, 'appends[].plainPerSecond.median');
  }
  require(summary.verification?.database?.entriesPerSecond?.median, 'verification.database.entriesPerSecond.median');
  require(summary.targets?.appendRatioAt8, 'targets.appendRatioAt8');
  require(summary.targets?.verifyEntriesPerSecond, 'targets.verifyEntriesPerSecond');
  return summary as AuditSummary;
}

function asSpread(value: SummarySpread): Spread {
  return { median: value.median, min: value.min, max: value.max, runs: [value.min, value.median, value.max] };
}

function report(summary: AuditSummary): BenchSection {
  const table = ['| concurrency | chained appends/s | plain inserts/s | ratio chained / plain |', '|---|---|---|---|'];
  for (const row of summary.appends) {
    table.push(`| ${row.concurrency} | ${formatSpread(asSpread(row.chainedPerSecond), 0)} | ${formatSpread(asSpread(row.plainPerSecond), 0)} | ${formatSpread(asSpread(row.ratio), 2)} |`);
  }
  const append = summary.targets.appendRatioAt8;
  const verify = summary.targets.verifyEntriesPerSecond;
  const targets: TargetRow[] = [
    { figure: 'audit: chained / plain appends at concurrency 8', value: append.median === null ? 'not measured' : formatNumber(append.median, 2), target: `≥ ${append.target}`, met: append.met },
    { figure: 'audit: verification from the database, entries/s', value: formatSpread(asSpread(summary.verification.database.entriesPerSecond), 0), target: `≥ ${formatNumber(verify.target, 0)}`, met: verify.met },
  ];
  const markdown = [
    'Figures of `npm run bench:audit`, run unchanged by `npm run bench`; the method, the profile and the',
    'analysis are in the section "Audit log" below. Median (min–max) of its runs.',
    '',
    table.join('\n'),
    '',
    targetTable(targets),
  ].join('\n');
  return { name: 'audit', markdown, targets };
}
