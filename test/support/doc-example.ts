import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

// Guides mark the shell examples that the suite runs with a line
// `<!-- tested: NAME -->` before the fenced block, so an example that stops
// working fails a test instead of misleading a reader.

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Returns the fenced `sh` block that follows the line `<!-- tested: NAME -->`
 * in a guide (path relative to the project). Throws when the marker or its
 * block is missing, so a renamed or deleted example fails rather than skips.
 */
export function testedBlock(guide: string, name: string): string {
  const markdown = readFileSync(path.join(ROOT, guide), 'utf8');
  const marker = `<!-- tested: ${name} -->`;
  const start = markdown.indexOf(marker);
  if (start === -1) throw new Error(`${guide} has no line ${marker}`);
  const match = /^\s*```sh\n([\s\S]*?)\n```/.exec(markdown.slice(start + marker.length));
  if (!match) throw new Error(`${guide}: no fenced sh block right after ${marker}`);
  return match[1]!;
}

export interface ScriptResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a script with bash in `cwd`, as a reader would, with only PATH, HOME,
 * LC_ALL and `env` in its environment. npm's update check is turned off, so
 * an example that calls npm contacts no registry.
 */
export async function runScript(script: string, cwd: string, env: Record<string, string>, timeoutMs = 90_000): Promise<ScriptResult> {
  const file = path.join(cwd, `example-${Math.random().toString(16).slice(2)}.sh`);
  writeFileSync(file, script);
  try {
    const { stdout, stderr } = await run('bash', [file], {
      cwd,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: cwd, LC_ALL: 'C', npm_config_update_notifier: 'false', ...env },
      timeout: timeoutMs,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw error;
    return { code: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  } finally {
    rmSync(file, { force: true });
  }
}
