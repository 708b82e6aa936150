import { execFile, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { runtimeUrlFor } from '../support/empty-database.js';

// Operator commands run as the child processes they are in production, with the
// settings of a test vault: its database, its data folder and so its key file.

export const PROJECT = fileURLToPath(new URL('../../', import.meta.url));
// Node with tsx's loader, not the tsx command: the command runs the script in a child
// process of its own, which a SIGKILL sent to the command would not reach.
const NODE_ARGS = ['--import', 'tsx'];

/**
 * Where a command finds the vault: the test database and, unless overridden, the data
 * folder's key file. An empty `databaseUrl` leaves DATABASE_URL unset, for the embedded default.
 */
export interface VaultSettings {
  databaseUrl: string;
  dataDir: string;
  env?: Record<string, string>;
}

export interface CommandResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function commandEnv(settings: VaultSettings): NodeJS.ProcessEnv {
  if (settings.databaseUrl === '') {
    const env: NodeJS.ProcessEnv = { ...process.env, COFFRE_DATA_DIR: settings.dataDir, LOG_LEVEL: 'error', ...settings.env };
    delete env.DATABASE_URL;
    delete env.COFFRE_RUNTIME_DATABASE_URL;
    return env;
  }
  return {
    ...process.env,
    NODE_ENV: 'test',
    DATABASE_URL: settings.databaseUrl,
    COFFRE_RUNTIME_DATABASE_URL: runtimeUrlFor(settings.databaseUrl),
    COFFRE_DATA_DIR: settings.dataDir,
    LOG_LEVEL: 'error',
    ...settings.env,
  };
}

/** Runs `server/cli/<script>` to its end and returns its exit code and output. */
export function runCommand(settings: VaultSettings, script: string, args: string[] = []): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [...NODE_ARGS, path.join('server/cli', script), ...args], { cwd: PROJECT, env: commandEnv(settings), maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number' && error.signal === null) {
        reject(error);
        return;
      }
      resolve({ code: error ? (error.code as number | null) ?? null : 0, signal: (error?.signal as NodeJS.Signals | undefined) ?? null, stdout, stderr });
    });
  });
}

/** Starts `server/cli/<script>` and calls `onLine` for each line of its stdout. */
export function spawnCommand(settings: VaultSettings, script: string, args: string[], onLine: (line: string, child: ChildProcess) => void): { child: ChildProcess; done: Promise<CommandResult> } {
  const child = spawn(process.execPath, [...NODE_ARGS, path.join('server/cli', script), ...args], { cwd: PROJECT, env: commandEnv(settings), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let pending = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    pending += chunk;
    let newline: number;
    while ((newline = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      onLine(line, child);
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const done = new Promise<CommandResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

/** The JSON that `npm run keys:status` prints. */
export interface KeyStatus {
  currentKekId: string;
  heldKekIds: string[];
  retiredKeks: Array<{ kekId: string; retiredAt: string }>;
  userKeys: Record<string, number>;
  auditSigningKeys: Record<string, number>;
  tokenSigningKeys: Record<string, number>;
  sessionIdTokens: Record<string, number>;
}

export async function keyStatus(settings: VaultSettings): Promise<KeyStatus> {
  const result = await runCommand(settings, 'keys-status.ts');
  if (result.code !== 0) throw new Error(`keys:status exited with ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as KeyStatus;
}

/** Parses the JSON summary that ends a successful `npm run keys:rotate`. */
export function rotationSummary(stdout: string): { targetKekId: string; created: boolean; rewrapped: number; retiredKekIds: string[]; operatorActions: string[] } {
  return JSON.parse(stdout.slice(stdout.indexOf('\n{') + 1));
}

/** A small seeded generator (mulberry32), so a failing run can be replayed from its printed seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}
