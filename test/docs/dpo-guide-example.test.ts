import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { runScript, testedBlock } from '../support/doc-example.js';
import { signIn } from '../support/sign-in.js';
import { startTestVault, type TestVault } from '../support/test-vault.js';

// The worked example of the DPO guides (docs/dpo-guide.md and docs/guide-dpo.md).
// Each guide's marked shell block runs in a child bash with curl and npm, as a DPO
// would run it, against a real vault and with a DPO session cookie in a file.

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const GUIDES = ['docs/dpo-guide.md', 'docs/guide-dpo.md'];
const MARKER = 'dpo-guide-example';

let vault: TestVault;
let dpoCookie: string;

beforeAll(async () => {
  try {
    await run('bash', ['-c', 'command -v curl']);
  } catch {
    throw new Error('curl is not on PATH: the worked example of the DPO guides needs it. Install curl and run the test again.');
  }
  vault = await startTestVault();
  // Some activity, so that the export contains more than the DPO's own sign-in.
  await signIn(vault, 'camille');
  await signIn(vault, 'dominique');
  dpoCookie = (await signIn(vault, 'dpo')).cookie;
});

afterAll(async () => {
  await vault?.destroy();
});

describe.each(GUIDES)('worked example of %s', (guide) => {
  let workDir: string;

  beforeAll(() => {
    workDir = mkdtempSync(path.join(os.tmpdir(), 'coffre-dpo-guide-'));
    writeFileSync(path.join(workDir, 'dpo-cookie.txt'), `${dpoCookie}\n`, { mode: 0o600 });
  });

  afterAll(() => {
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('exports, fetches keys and verifies offline', async () => {
    const result = await runScript(testedBlock(guide, MARKER), workDir, {
      COFFRE_URL: vault.url,
      COFFRE_SOURCE: ROOT,
    });
    expect(result.code, `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`).toBe(0);
    expect(result.stdout).toContain('"valid": true');

    const exportLines = readFileSync(path.join(workDir, 'audit-export.jsonl'), 'utf8').trimEnd().split('\n');
    const header = JSON.parse(exportLines[0]!) as { type: string; fromSeq: number; filtered: boolean };
    expect(header.type).toBe('header');
    expect(header.fromSeq).toBe(1);
    expect(header.filtered).toBe(false);
    const entries = exportLines.filter((line) => line.includes('"type":"entry"'));
    expect(entries.length).toBeGreaterThanOrEqual(3);

    const keys = JSON.parse(readFileSync(path.join(workDir, 'audit-keys.json'), 'utf8')) as { format: string; keys: unknown[] };
    expect(keys.format).toBe('coffre-audit-keys/1');
    expect(keys.keys.length).toBeGreaterThanOrEqual(1);
  });
});
