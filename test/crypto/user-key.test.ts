import { describe, expect, it } from 'vitest';

import {
  DecryptionFailed,
  KeyProviderError,
  createUserKey,
  envKeyProvider,
  rewrapUserKey,
  unwrapUserKey,
  type KeyProvider,
} from '../../crypto/index.js';
import { randomContent } from './stream-helpers.js';

const PERSON_A = '7d1e4c3a-2b5f-4e8d-9a6c-1f2e3d4c5b01';
const PERSON_B = 'c2a9e8f7-6d5c-4b3a-8e1f-0a9b8c7d6e02';

function randomProvider(): KeyProvider {
  return envKeyProvider(Buffer.from(randomContent(32)).toString('base64'));
}

/** Combines two providers as after a rotation: both unwrap, and `current` wraps new keys. */
function combinedProvider(current: KeyProvider, previous: KeyProvider): KeyProvider {
  const all = [current, previous];
  return {
    currentKekId: () => current.currentKekId(),
    getKek(kekId: string): Uint8Array {
      const holder = all.find((provider) => provider.kekIds().includes(kekId));
      if (holder === undefined) {
        throw new KeyProviderError(`unknown KEK ${kekId}`);
      }
      return holder.getKek(kekId);
    },
    kekIds: () => all.flatMap((provider) => provider.kekIds()),
  };
}

describe('user key', () => {
  it('unwraps to the created key', async () => {
    const provider = randomProvider();

    const { userKey, wrapped } = await createUserKey(provider, PERSON_A);
    const unwrapped = await unwrapUserKey(provider, wrapped, PERSON_A);

    expect(userKey).toHaveLength(32);
    expect(unwrapped).toEqual(userKey);
    expect(wrapped.kekId).toBe(provider.currentKekId());
  });

  it('stores version, nonce and ciphertext', async () => {
    const { wrapped } = await createUserKey(randomProvider(), PERSON_A);

    expect(wrapped.wrapped[0]).toBe(1);
    expect(wrapped.wrapped).toHaveLength(1 + 24 + 32 + 16);
  });

  it('creates a different key each time', async () => {
    const provider = randomProvider();

    const first = await createUserKey(provider, PERSON_A);
    const second = await createUserKey(provider, PERSON_A);

    expect(first.userKey).not.toEqual(second.userKey);
  });

  it('fails when moved to another person', async () => {
    const provider = randomProvider();
    const { wrapped } = await createUserKey(provider, PERSON_A);

    await expect(unwrapUserKey(provider, wrapped, PERSON_B)).rejects.toBeInstanceOf(DecryptionFailed);
  });

  it('fails under another KEK with the same id', async () => {
    const provider = randomProvider();
    const other = randomProvider();
    const { wrapped } = await createUserKey(provider, PERSON_A);
    const impostor: KeyProvider = { ...other, getKek: () => other.getKek(other.currentKekId()) };

    await expect(unwrapUserKey(impostor, wrapped, PERSON_A)).rejects.toBeInstanceOf(DecryptionFailed);
  });

  it('fails with KeyProviderError for an unknown KEK', async () => {
    const { wrapped } = await createUserKey(randomProvider(), PERSON_A);

    await expect(unwrapUserKey(randomProvider(), wrapped, PERSON_A)).rejects.toBeInstanceOf(KeyProviderError);
  });

  it('fails when relabelled with another KEK id', async () => {
    const previous = randomProvider();
    const current = randomProvider();
    const provider = combinedProvider(current, previous);
    const { wrapped } = await createUserKey(previous, PERSON_A);
    const relabelled = { kekId: current.currentKekId(), wrapped: wrapped.wrapped };

    await expect(unwrapUserKey(provider, relabelled, PERSON_A)).rejects.toBeInstanceOf(DecryptionFailed);
  });

  it('fails when a byte changes', async () => {
    const provider = randomProvider();
    const { wrapped } = await createUserKey(provider, PERSON_A);
    for (const offset of [0, 1, 30, wrapped.wrapped.length - 1]) {
      const damaged = wrapped.wrapped.slice();
      damaged[offset] = (damaged[offset] ?? 0) ^ 0x80;

      await expect(unwrapUserKey(provider, { ...wrapped, wrapped: damaged }, PERSON_A)).rejects.toBeInstanceOf(
        DecryptionFailed,
      );
    }
  });

  it('fails when truncated', async () => {
    const provider = randomProvider();
    const { wrapped } = await createUserKey(provider, PERSON_A);
    const truncated = { ...wrapped, wrapped: wrapped.wrapped.subarray(0, 20) };

    await expect(unwrapUserKey(provider, truncated, PERSON_A)).rejects.toBeInstanceOf(DecryptionFailed);
  });

  it('rewraps under the current KEK', async () => {
    const previous = randomProvider();
    const current = randomProvider();
    const { userKey, wrapped } = await createUserKey(previous, PERSON_A);
    const rotated = combinedProvider(current, previous);

    const rewrapped = await rewrapUserKey(rotated, wrapped, PERSON_A);

    expect(rewrapped.kekId).toBe(current.currentKekId());
    expect(await unwrapUserKey(current, rewrapped, PERSON_A)).toEqual(userKey);
    await expect(unwrapUserKey(previous, rewrapped, PERSON_A)).rejects.toBeInstanceOf(KeyProviderError);
  });

  it('rewrap keeps the person binding', async () => {
    const previous = randomProvider();
    const current = randomProvider();
    const { wrapped } = await createUserKey(previous, PERSON_A);

    const rewrapped = await rewrapUserKey(combinedProvider(current, previous), wrapped, PERSON_A);

    await expect(unwrapUserKey(current, rewrapped, PERSON_B)).rejects.toBeInstanceOf(DecryptionFailed);
  });

  it('rewrap rejects another person', async () => {
    const provider = randomProvider();
    const { wrapped } = await createUserKey(provider, PERSON_A);

    await expect(rewrapUserKey(provider, wrapped, PERSON_B)).rejects.toBeInstanceOf(DecryptionFailed);
  });

  it('rejects a person id containing a colon', async () => {
    await expect(createUserKey(randomProvider(), 'a:b')).rejects.toBeInstanceOf(RangeError);
  });
});
