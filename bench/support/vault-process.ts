import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { createEmptyDatabase, runtimeUrlFor } from '../../test/support/empty-database.js';
import { freePort } from '../../test/support/free-port.js';

export interface VaultProcess {
  url: string;
  pid: number;
  /** The vault's data folder: its master key file and the development partners' key files. */
  dataDir: string;
  /** Superuser URL of the vault's own database, or null on the embedded default. */
  databaseUrl: string | null;
  /** Resident set size of the vault process now, in bytes (Linux /proc). */
  rss(): number;
  /** Peak resident set size since the process started or since `resetPeakRss`, in bytes. */
  peakRss(): number;
  /** Resets the peak that `peakRss` reads (Linux 4.0 and later); returns false when the kernel rejects it. */
  resetPeakRss(): boolean;
  stop(): Promise<void>;
}

/**
 * Starts `npm start`'s entry point as a child process, so a benchmark
 * measures the vault's memory and not its own. Uses a fresh database on the
 * server in DATABASE_URL, or the embedded default in a temporary folder.
 */
export async function startVaultProcess(extraEnv: Record<string, string> = {}): Promise<VaultProcess> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'coffre-bench-'));
  const port = await freePort();
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    NODE_ENV: 'development',
    PORT: String(port),
    COFFRE_PUBLIC_URL: `http://127.0.0.1:${port}`,
    COFFRE_DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    ...extraEnv,
  };

  let database: Awaited<ReturnType<typeof createEmptyDatabase>> | null = null;
  if (process.env.DATABASE_URL) {
    database = await createEmptyDatabase();
    env.DATABASE_URL = database.url;
    env.COFFRE_RUNTIME_DATABASE_URL = runtimeUrlFor(database.url);
  } else {
    env.COFFRE_EMBEDDED_PG_PORT = String(await freePort());
  }

  const tsx = path.resolve('node_modules/.bin/tsx');
  const child = spawn(tsx, ['server/main.ts'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  await waitForStart(child);
  const pid = await findNodePid(child.pid!);

  return {
    url: `http://127.0.0.1:${port}`,
    pid,
    dataDir,
    databaseUrl: database?.url ?? null,
    rss: () => readStatusBytes(pid, 'VmRSS'),
    peakRss: () => readStatusBytes(pid, 'VmHWM'),
    resetPeakRss: () => resetPeak(pid),
    async stop() {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function waitForStart(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the vault did not start within 120 s')), 120_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('Coffre is serving')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`the vault exited with code ${code} before serving`)));
  });
}

// tsx runs the vault in a child node process of its own; the benchmark must
// read that process's memory, not the launcher's.
async function findNodePid(launcherPid: number): Promise<number> {
  const children = readFileSync(`/proc/${launcherPid}/task/${launcherPid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
  return children.length > 0 ? Number(children[children.length - 1]) : launcherPid;
}

// Writing 5 to clear_refs sets VmHWM back to the current RSS (proc(5)).
function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

function readStatusBytes(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  if (!match) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}
