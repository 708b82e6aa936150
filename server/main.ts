import { ConfigError, loadConfig } from './config/config.js';
import { logger, setLogLevel } from './logging/logger.js';
import { startVault } from './vault.js';

// Entry point of `npm start`: validate the settings, start the vault, stop
// cleanly on SIGINT or SIGTERM.
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Coffre did not start: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  setLogLevel(config.logLevel);

  const vault = await startVault(config);
  process.stdout.write(`Coffre is serving ${config.publicUrl}\n`);

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      logger.info('stop requested', { signal });
      vault.stop().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error('stop failed', { error });
          process.exit(1);
        },
      );
    });
  }
}

main().catch((error: unknown) => {
  logger.error('start failed', { error });
  process.stderr.write(`Coffre did not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
