import { chmod, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  KeyProviderError,
  addKekToFile,
  createUserKey,
  removeKekFromFile,
  kekIdOf,
  openFileKeyProvider,
  unwrapUserKey,
} from '../../crypto/index.js';

const PERSON = '7d1e4c3a-2b5f-4e8d-9a6c-1f2e3d4c5b01';

let folder: string;

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'coffre-key-file-'));
});

afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

async function writeKeyFile(path: string, content: unknown): Promise<void> {
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content), { mode: 0o600 });
}

describe('file key provider', () => {
  it('creates a key file with mode 0600', async () => {
    const path = join(folder, 'keys', 'master-keys.json');

    const provider = await openFileKeyProvider(path, { create: true });

    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(folder, 'keys'))).mode & 0o777).toBe(0o700);
    const document = JSON.parse(await readFile(path, 'utf8'));
    expect(document.format).toBe('coffre-master-keys/1');
    expect(document.keys).toHaveLength(1);
    expect(document.current).toBe(provider.currentKekId());
    expect(provider.kekIds()).toEqual([provider.currentKekId()]);
    expect(provider.currentKekId()).toMatch(/^kek-[0-9a-f]{16}$/);
  });

  it('reopens the same key', async () => {
    const path = join(folder, 'master-keys.json');
    const created = await openFileKeyProvider(path, { create: true });

    const reopened = await openFileKeyProvider(path, { create: false });
    const reopenedWithCreate = await openFileKeyProvider(path, { create: true });

    const kekId = created.currentKekId();
    expect(reopened.currentKekId()).toBe(kekId);
    expect(reopened.getKek(kekId)).toEqual(created.getKek(kekId));
    expect(reopenedWithCreate.getKek(kekId)).toEqual(created.getKek(kekId));
    expect(kekIdOf(reopened.getKek(kekId))).toBe(kekId);
  });

  it('unwraps a user key after reopening', async () => {
    const path = join(folder, 'master-keys.json');
    const { userKey, wrapped } = await createUserKey(await openFileKeyProvider(path, { create: true }), PERSON);

    const reopened = await openFileKeyProvider(path, { create: false });

    expect(await unwrapUserKey(reopened, wrapped, PERSON)).toEqual(userKey);
  });

  it('rejects a missing file without create', async () => {
    const path = join(folder, 'missing.json');

    const opening = openFileKeyProvider(path, { create: false });

    await expect(opening).rejects.toBeInstanceOf(KeyProviderError);
    await expect(opening).rejects.toThrow(path);
  });

  it('rejects mode 0644 naming the path', async () => {
    const path = join(folder, 'master-keys.json');
    await openFileKeyProvider(path, { create: true });
    await chmod(path, 0o644);

    const opening = openFileKeyProvider(path, { create: true });

    await expect(opening).rejects.toBeInstanceOf(KeyProviderError);
    await expect(opening).rejects.toThrow(path);
    await expect(opening).rejects.toThrow('chmod 600');
  });

  it('rejects group-only access', async () => {
    const path = join(folder, 'master-keys.json');
    await openFileKeyProvider(path, { create: true });
    await chmod(path, 0o620);

    await expect(openFileKeyProvider(path, { create: false })).rejects.toBeInstanceOf(KeyProviderError);
  });

  it('rejects an unknown KEK id', async () => {
    const provider = await openFileKeyProvider(join(folder, 'master-keys.json'), { create: true });

    expect(() => provider.getKek('kek-0000000000000000')).toThrow(KeyProviderError);
  });

  describe('malformed files', () => {
    const validKey = Buffer.alloc(32, 7).toString('base64');
    const validId = kekIdOf(new Uint8Array(Buffer.alloc(32, 7)));
    const entry = { id: validId, key: validKey, createdAt: '2025-01-01T00:00:00.000Z' };
    const cases: Array<[string, unknown, string]> = [
      ['not JSON', '{"format": ', 'not valid JSON'],
      ['an array', [], 'not a JSON object'],
      ['a wrong format', { format: 'other/1', current: validId, keys: [entry] }, '"format"'],
      ['no keys', { format: 'coffre-master-keys/1', current: validId, keys: [] }, '"keys"'],
      [
        'a short key',
        { format: 'coffre-master-keys/1', current: validId, keys: [{ ...entry, key: Buffer.alloc(16).toString('base64') }] },
        'keys[0].key',
      ],
      ['a key that is not base64', { format: 'coffre-master-keys/1', current: validId, keys: [{ ...entry, key: '!'.repeat(44) }] }, 'keys[0].key'],
      ['a wrong id', { format: 'coffre-master-keys/1', current: validId, keys: [{ ...entry, id: 'kek-1' }] }, 'keys[0].id'],
      ['a repeated key', { format: 'coffre-master-keys/1', current: validId, keys: [entry, entry] }, 'keys[1]'],
      ['no createdAt', { format: 'coffre-master-keys/1', current: validId, keys: [{ id: validId, key: validKey }] }, 'createdAt'],
      ['an unknown current id', { format: 'coffre-master-keys/1', current: 'kek-x', keys: [entry] }, '"current"'],
    ];

    for (const [name, content, problem] of cases) {
      it(`rejects ${name}`, async () => {
        const path = join(folder, 'master-keys.json');
        await writeKeyFile(path, content);

        const opening = openFileKeyProvider(path, { create: true });

        await expect(opening).rejects.toBeInstanceOf(KeyProviderError);
        await expect(opening).rejects.toThrow(path);
        await expect(opening).rejects.toThrow(problem);
      });
    }

    it('accepts the valid variant of those files', async () => {
      const path = join(folder, 'master-keys.json');
      await writeKeyFile(path, { format: 'coffre-master-keys/1', current: validId, keys: [entry] });

      const provider = await openFileKeyProvider(path, { create: false });

      expect(provider.currentKekId()).toBe(validId);
    });

    it('leaves a malformed file unchanged', async () => {
      const path = join(folder, 'master-keys.json');
      await writeKeyFile(path, '{"format": ');

      await expect(openFileKeyProvider(path, { create: true })).rejects.toBeInstanceOf(KeyProviderError);

      expect(await readFile(path, 'utf8')).toBe('{"format": ');
    });

    it('keeps key material out of the JSON error', async () => {
      const path = join(folder, 'master-keys.json');
      await writeKeyFile(path, `{"keys": [{"key": "${validKey}"}`);

      const opening = openFileKeyProvider(path, { create: false });

      await expect(opening).rejects.toBeInstanceOf(KeyProviderError);
      await expect(opening).rejects.not.toThrow(validKey);
    });
  });

  describe('addKekToFile', () => {
    it('adds a current key and keeps the old one readable', async () => {
      const path = join(folder, 'master-keys.json');
      const before = await openFileKeyProvider(path, { create: true });
      const oldId = before.currentKekId();
      const { userKey, wrapped } = await createUserKey(before, PERSON);

      const newId = await addKekToFile(path);
      const after = await openFileKeyProvider(path, { create: false });

      expect(newId).not.toBe(oldId);
      expect(after.currentKekId()).toBe(newId);
      expect(after.kekIds()).toEqual([oldId, newId]);
      expect(after.getKek(oldId)).toEqual(before.getKek(oldId));
      expect(await unwrapUserKey(after, wrapped, PERSON)).toEqual(userKey);
      expect((await stat(path)).mode & 0o777).toBe(0o600);
    });

    it('leaves no temporary or lock file', async () => {
      const path = join(folder, 'master-keys.json');
      await openFileKeyProvider(path, { create: true });

      await addKekToFile(path);
      await addKekToFile(path);

      expect(await readdir(folder)).toEqual(['master-keys.json']);
      expect((await openFileKeyProvider(path, { create: false })).kekIds()).toHaveLength(3);
    });

    it('rejects while a lock file exists', async () => {
      const path = join(folder, 'master-keys.json');
      await openFileKeyProvider(path, { create: true });
      await writeFile(`${path}.lock`, '');

      const adding = addKekToFile(path);

      await expect(adding).rejects.toBeInstanceOf(KeyProviderError);
      await expect(adding).rejects.toThrow(`${path}.lock`);
    });

    it('rejects a file with mode 0644', async () => {
      const path = join(folder, 'master-keys.json');
      await openFileKeyProvider(path, { create: true });
      await chmod(path, 0o644);

      await expect(addKekToFile(path)).rejects.toBeInstanceOf(KeyProviderError);
    });

    it('rejects a missing file', async () => {
      await expect(addKekToFile(join(folder, 'missing.json'))).rejects.toBeInstanceOf(KeyProviderError);
    });
  });

  describe('following the file', () => {
    it('sees a key added by another process', async () => {
      const path = join(folder, 'master-keys.json');
      const running = await openFileKeyProvider(path, { create: true });
      const editor = await openFileKeyProvider(path, { create: false });
      const oldId = running.currentKekId();

      const newId = await addKekToFile(path);
      const { wrapped } = await createUserKey(editor, PERSON);

      expect(wrapped.kekId).toBe(newId);
      expect(running.getKek(newId)).toEqual(editor.getKek(newId));
      expect(running.currentKekId()).toBe(newId);
      expect(running.kekIds()).toEqual([oldId, newId]);
    });

    it('forgets a key removed from the file', async () => {
      const path = join(folder, 'master-keys.json');
      const running = await openFileKeyProvider(path, { create: true });
      const oldId = running.currentKekId();
      const newId = await addKekToFile(path);

      await removeKekFromFile(path, oldId);

      expect(running.kekIds()).toEqual([newId]);
      expect(() => running.getKek(oldId)).toThrow(KeyProviderError);
      expect(await readFile(path, 'utf8')).not.toContain(oldId);
    });

    it('keeps its keys when the file becomes invalid', async () => {
      const path = join(folder, 'master-keys.json');
      const running = await openFileKeyProvider(path, { create: true });
      const kekId = running.currentKekId();

      await writeKeyFile(path, '{"format": "broken"}');

      expect(running.currentKekId()).toBe(kekId);
      expect(running.getKek(kekId)).toHaveLength(32);
    });
  });

  describe('removeKekFromFile', () => {
    it('rejects the current key', async () => {
      const path = join(folder, 'master-keys.json');
      const provider = await openFileKeyProvider(path, { create: true });

      await expect(removeKekFromFile(path, provider.currentKekId())).rejects.toThrow('is the current key');
      expect((await openFileKeyProvider(path, { create: false })).kekIds()).toEqual([provider.currentKekId()]);
    });

    it('takes over a lock left by a process that ended', async () => {
      const path = join(folder, 'master-keys.json');
      const provider = await openFileKeyProvider(path, { create: true });
      const oldId = provider.currentKekId();
      // No process has this id: Linux caps pids far below it.
      await writeFile(`${path}.lock`, '2147483646\n');

      await addKekToFile(path);
      await removeKekFromFile(path, oldId);

      expect(await readdir(folder)).toEqual(['master-keys.json']);
    });
  });
});
