import { randomBytes } from 'node:crypto';
import { link, mkdir, open, stat, unlink } from 'node:fs/promises';
import path from 'node:path';

/**
 * Reads a JSON file that contains private keys. Throws an Error naming the file and the fix
 * when it is missing, not a regular file, readable or writable by group or others, or not
 * JSON. The parser's own message is dropped, because it can quote key material.
 */
export async function readSecretJson(file: string): Promise<unknown> {
  let text: string;
  try {
    const handle = await open(file, 'r');
    try {
      const stats = await handle.stat();
      if (!stats.isFile()) throw new Error(`${file} is not a regular file; point the setting to the key file itself`);
      if ((stats.mode & 0o077) !== 0) {
        const mode = (stats.mode & 0o777).toString(8).padStart(4, '0');
        throw new Error(`${file} has mode ${mode}, which gives group or others access to private keys; restrict it with \`chmod 600 ${file}\``);
      }
      text = await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(`${file} does not exist; create it or fix the path in the setting`, { cause: error });
    }
    throw error;
  }

  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${file} is not valid JSON; restore it from a backup or, for development keys, delete it to let the vault create new ones`);
  }
}

/**
 * Reads a private-key JSON file, creating it first with `create()` (mode 0600, folder mode
 * 0700) when it is missing. The new file is written beside the target and linked into
 * place, so a process starting at the same time never reads a half-written file, and
 * both end up with the file that was linked first.
 */
export async function readOrCreateSecretJson(file: string, create: () => Promise<unknown>): Promise<unknown> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  if (!(await exists(file))) {
    const temporary = `${file}.${randomBytes(8).toString('hex')}.tmp`;
    const handle = await open(temporary, 'wx', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(await create(), null, 2)}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await link(temporary, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      await unlink(temporary);
    }
  }
  return readSecretJson(file);
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
