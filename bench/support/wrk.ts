import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Figures of one wrk run, with latencies in milliseconds. */
export interface WrkResult {
  requests: number;
  seconds: number;
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  /** Socket errors of every kind: connect, read, write and timeout. */
  socketErrors: number;
  /** Responses whose status was not 2xx or 3xx, as wrk counts them. */
  non2xx: number;
}

export interface WrkSettings {
  url: string;
  connections: number;
  seconds: number;
  /** Request headers, e.g. `Authorization`. Their values never reach a log or the report. */
  headers?: Record<string, string>;
}

/**
 * Installs wrk from Debian's packages when it is not on the PATH. A load
 * generator written in JavaScript would share the vault's two cores and
 * measure itself, so the HTTP benchmarks need wrk's C event loop.
 */
export function ensureWrk(): void {
  if (spawnSync('wrk', ['--version']).error === undefined) return;
  process.stderr.write('bench: wrk is missing; running apt-get install -y wrk\n');
  const install = spawnSync('apt-get', ['install', '-y', 'wrk'], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (install.status !== 0 || spawnSync('wrk', ['--version']).error !== undefined) {
    throw new Error(`apt-get install -y wrk failed with status ${install.status}; install the Debian package wrk as root (after apt-get update) and run the benchmark again`);
  }
}

/**
 * Runs wrk against one URL and parses its report. Uses one thread per
 * connection up to two, the cores of the machine the figures were taken on,
 * and a 5 s timeout, after which a request counts as a socket error.
 */
export async function runWrk(settings: WrkSettings): Promise<WrkResult> {
  const threads = Math.min(2, settings.connections);
  const args = ['--latency', '--timeout', '5s', '-t', String(threads), '-c', String(settings.connections), '-d', `${settings.seconds}s`];
  for (const [name, value] of Object.entries(settings.headers ?? {})) args.push('-H', `${name}: ${value}`);
  args.push(settings.url);
  // The arguments carry bearer tokens and session cookies, so a failure reports only the status.
  try {
    const { stdout } = await run('wrk', args, { timeout: (settings.seconds + 30) * 1000, maxBuffer: 1024 * 1024 });
    return parseWrkOutput(stdout);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new Error(`wrk failed (exit code ${String(code)}) against ${new URL(settings.url).pathname} with ${settings.connections} connections`);
  }
}

/** Parses the report of `wrk --latency` (wrk 4.x). Throws when a figure is missing, naming it. */
export function parseWrkOutput(text: string): WrkResult {
  const total = /(\d+) requests in ([\d.]+)(us|ms|s|m|h),/.exec(text);
  const rate = /Requests\/sec:\s+([\d.]+)/.exec(text);
  const p50 = /^\s+50(?:\.000)?%\s+([\d.]+)(us|ms|s|m|h)\s*$/m.exec(text);
  const p99 = /^\s+99(?:\.000)?%\s+([\d.]+)(us|ms|s|m|h)\s*$/m.exec(text);
  if (!total) throw new Error('wrk output has no "N requests in T" line');
  if (!rate) throw new Error('wrk output has no "Requests/sec" line');
  if (!p50 || !p99) throw new Error('wrk output has no latency distribution; run wrk with --latency');

  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(text);
  return {
    requests: Number(total[1]),
    seconds: toMilliseconds(total[2]!, total[3]!) / 1000,
    requestsPerSecond: Number(rate[1]),
    latencyP50Ms: toMilliseconds(p50[1]!, p50[2]!),
    latencyP99Ms: toMilliseconds(p99[1]!, p99[2]!),
    socketErrors: socket ? socket.slice(1, 5).reduce((sum, count) => sum + Number(count), 0) : 0,
    non2xx: non2xx ? Number(non2xx[1]) : 0,
  };
}

const MILLISECONDS_PER_UNIT: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

function toMilliseconds(value: string, unit: string): number {
  return Number(value) * MILLISECONDS_PER_UNIT[unit]!;
}
