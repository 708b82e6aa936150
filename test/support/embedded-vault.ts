import { loadConfig } from '../../server/config/config.js';
import { startVault, type RunningVault } from '../../server/vault.js';
import { freePort } from './free-port.js';
import { expectNoClientCheckedOut } from './test-vault.js';

/** The settings of a vault on the embedded default, as a newcomer's `npm start` has them, but on free ports. */
export interface EmbeddedVaultSettings {
  dataDir: string;
  port: number;
  postgresPort: number;
}

export async function embeddedVaultSettings(dataDir: string): Promise<EmbeddedVaultSettings> {
  return { dataDir, port: await freePort(), postgresPort: await freePort() };
}

/** Environment that makes `npm start` and every operator command use these settings. */
export function embeddedVaultEnv(settings: EmbeddedVaultSettings): Record<string, string> {
  return {
    NODE_ENV: 'development',
    PORT: String(settings.port),
    COFFRE_PUBLIC_URL: `http://127.0.0.1:${settings.port}`,
    COFFRE_DATA_DIR: settings.dataDir,
    COFFRE_EMBEDDED_PG_PORT: String(settings.postgresPort),
    LOG_LEVEL: 'error',
    COFFRE_SIGN_IN_RATE_LIMIT_PER_MINUTE: '10000',
  };
}

/**
 * Starts a vault on the embedded default: no DATABASE_URL, so it starts (or
 * reuses) the embedded PostgreSQL in its data folder. Stopping it stops that
 * server too and keeps the data, as Ctrl+C on `npm start` does.
 */
export async function startEmbeddedVault(settings: EmbeddedVaultSettings): Promise<RunningVault> {
  const vault = await startVault(loadConfig(embeddedVaultEnv(settings)));
  return {
    ...vault,
    async stop() {
      await expectNoClientCheckedOut(vault);
      await vault.stop();
    },
  };
}
