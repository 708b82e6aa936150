import { spawn } from 'node:child_process';

import { libpqEnv } from './libpq-env.js';

/** Thrown when pg_dump or pg_restore is missing or exits with an error. */
export class PostgresToolError extends Error {
  override name = 'PostgresToolError';
}

/**
 * Runs `tool` (pg_dump or pg_restore, found on PATH) against the database of
 * `databaseUrl`, passed through libpq environment variables. Resolves when it exits 0,
 * and throws PostgresToolError with the end of its error output otherwise. PGDATABASE
 * names the database, so callers pass `--dbname` only where the tool requires it.
 */
export function runPostgresTool(tool: 'pg_dump' | 'pg_restore', databaseUrl: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { env: { ...process.env, ...libpqEnv(databaseUrl) }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      // The tail is enough to name the failure and keeps memory bounded.
      stderr = (stderr + chunk).slice(-4000);
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      const reason =
        error.code === 'ENOENT'
          ? `${tool} was not found on PATH. Install PostgreSQL's client programs (on Debian: apt-get install postgresql-client), in a version at least that of the server`
          : `${tool} could not start: ${error.message}`;
      reject(new PostgresToolError(reason, { cause: error }));
    });
    child.on('close', (code, signal) => {
      if (code === 0) {
        resolve();
        return;
      }
      const ending = signal === null ? `exited with code ${code}` : `was stopped by ${signal}`;
      reject(new PostgresToolError(`${tool} ${ending}: ${stderr.trim() || 'no error output'}`));
    });
  });
}

/** Returns the version line of a PostgreSQL client program, such as "pg_dump (PostgreSQL) 15.20". */
export function postgresToolVersion(tool: 'pg_dump' | 'pg_restore'): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.on('error', (error) => reject(new PostgresToolError(`${tool} was not found on PATH. Install PostgreSQL's client programs (on Debian: apt-get install postgresql-client)`, { cause: error })));
    child.on('close', () => resolve(stdout.trim()));
  });
}
