import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { loadConfig } from '../../server/config/config.js';
import { checkedOutClients } from '../../server/db/pool.js';
import { startVault, type RunningVault } from '../../server/vault.js';
import { createEmptyDatabase, runtimeUrlFor } from './empty-database.js';
import { freePort } from './free-port.js';

export interface TestVault extends RunningVault {
  dataDir: string;
  databaseUrl: string;
  /** Stops the server, drops its database and removes its data folder. */
  destroy(): Promise<void>;
}

/**
 * Starts a whole vault on 127.0.0.1 with a random port, its own empty
 * database on the test server and its own data folder, as `npm start` does.
 */
export async function startTestVault(env: Record<string, string> = {}): Promise<TestVault> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'coffre-test-vault-'));
  const database = await createEmptyDatabase();

  // The public URL must match the listening port for OIDC redirects, so the
  // port is fixed before the start rather than left to the system.
  const port = env.PORT ?? String(await freePort());
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: port,
    COFFRE_PUBLIC_URL: `http://127.0.0.1:${port}`,
    COFFRE_DATA_DIR: dataDir,
    DATABASE_URL: database.url,
    COFFRE_RUNTIME_DATABASE_URL: runtimeUrlFor(database.url),
    LOG_LEVEL: 'error',
    // Test files sign in many times a minute from 127.0.0.1.
    COFFRE_SIGN_IN_RATE_LIMIT_PER_MINUTE: '10000',
    ...env,
  });
  const vault = await startVault(config);

  return {
    ...vault,
    dataDir,
    databaseUrl: database.url,
    async destroy() {
      await expectNoClientCheckedOut(vault);
      await vault.stop();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

// Every test file ends here, so a leaked pool client (a transaction never
// committed, a stream never closed) fails the file that leaked it.
export async function expectNoClientCheckedOut(vault: RunningVault): Promise<void> {
  const deadline = Date.now() + 3000;
  while (checkedOutClients(vault.ctx.pool) > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const leaked = checkedOutClients(vault.ctx.pool);
  if (leaked > 0) throw new Error(`${leaked} database client(s) still checked out when the test vault stopped`);
}
