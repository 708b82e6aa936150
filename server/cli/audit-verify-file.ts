import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';

import { InvalidKeySetError, parseAuditKeySet, verifyExportLines, type OfflineVerificationReport } from '../../audit/offline-verify.js';

const USAGE = 'usage: npm run audit:verify -- --file EXPORT.jsonl --keys KEYS.json';

/** Returns true when the arguments ask for the offline verification of an export file. */
export function isExportVerification(args: readonly string[]): boolean {
  return args.includes('--file');
}

/**
 * Verifies a JSON Lines export against a published key set without the vault,
 * for `npm run audit:verify -- --file export.jsonl --keys keys.json`, and
 * prints the JSON report on stdout. Exits 0 when valid, 1 at the first
 * failure (a filtered export included), 2 on a usage error or an unreadable file.
 */
export async function verifyExportFile(args: readonly string[]): Promise<never> {
  const filePath = optionValue(args, '--file');
  const keysPath = optionValue(args, '--keys');
  const unknown = args.filter((arg) => arg.startsWith('--') && arg !== '--file' && arg !== '--keys');
  if (filePath === undefined || keysPath === undefined || unknown.length > 0 || args.length !== 4) {
    return exitWith(2, `${USAGE}\n`);
  }

  let keysText: string;
  try {
    keysText = await readFile(keysPath, 'utf8');
  } catch (error) {
    return exitWith(2, `cannot read the key set ${keysPath}: ${(error as Error).message}\n`);
  }
  let keys;
  try {
    keys = parseAuditKeySet(keysText);
  } catch (error) {
    if (!(error instanceof InvalidKeySetError)) throw error;
    return exitWith(2, `${keysPath}: ${error.message}\n`);
  }

  let report: OfflineVerificationReport;
  try {
    const lines = createInterface({ input: createReadStream(filePath, { encoding: 'utf8' }), crlfDelay: Infinity });
    report = await verifyExportLines(lines, keys);
  } catch (error) {
    return exitWith(2, `cannot read the export ${filePath}: ${(error as Error).message}\n`);
  }

  if (report.failure?.kind === 'filtered_export') {
    process.stderr.write('This export is filtered, so it cannot be verified as a chain. Export a seq range without filters.\n');
  }
  process.stdout.write(JSON.stringify(report, null, 2) + '\n', () => {
    // Exit explicitly, as the database branch does: a dependency's exit hook could otherwise replace the code.
    process.exit(report.valid ? 0 : 1);
  });
  return new Promise<never>(() => undefined);
}

function optionValue(args: readonly string[], name: string): string | undefined {
  const index = args.indexOf(name);
  const value = index >= 0 ? args[index + 1] : undefined;
  return value === undefined || value.startsWith('--') ? undefined : value;
}

function exitWith(code: number, message: string): Promise<never> {
  process.stderr.write(message, () => process.exit(code));
  return new Promise<never>(() => undefined);
}
