import { describe, expect, it } from 'vitest';

import {
  DecryptionFailed,
  auditKeyIdOf,
  createAuditSigningKey,
  envKeyProvider,
  rewrapAuditSigningKey,
  signDetached,
  unwrapAuditSigningKey,
  verifyDetached,
  type KeyProvider,
} from '../../crypto/index.js';
import { randomContent } from './stream-helpers.js';

const MESSAGE = new TextEncoder().encode('checkpoint 42: 9f86d081884c7d659a2feaa0c55ad015');

function randomProvider(): KeyProvider {
  return envKeyProvider(Buffer.from(randomContent(32)).toString('base64'));
}

describe('audit signing key', () => {
  it('verifies its own signature', async () => {
    const { key } = await createAuditSigningKey(randomProvider());

    const signature = await signDetached(key.secretKey, MESSAGE);

    expect(signature).toHaveLength(64);
    expect(await verifyDetached(key.publicKey, MESSAGE, signature)).toBe(true);
  });

  it('derives the key id from the public key', async () => {
    const { key } = await createAuditSigningKey(randomProvider());

    expect(key.keyId).toBe(auditKeyIdOf(key.publicKey));
    expect(key.keyId).toMatch(/^audit-[0-9a-f]{16}$/);
  });

  it('rejects a changed message', async () => {
    const { key } = await createAuditSigningKey(randomProvider());
    const signature = await signDetached(key.secretKey, MESSAGE);
    const changed = MESSAGE.slice();
    changed[0] = (changed[0] ?? 0) ^ 0x01;

    expect(await verifyDetached(key.publicKey, changed, signature)).toBe(false);
  });

  it('rejects another public key', async () => {
    const provider = randomProvider();
    const { key } = await createAuditSigningKey(provider);
    const { key: other } = await createAuditSigningKey(provider);
    const signature = await signDetached(key.secretKey, MESSAGE);

    expect(await verifyDetached(other.publicKey, MESSAGE, signature)).toBe(false);
  });

  it('rejects a malformed signature without throwing', async () => {
    const { key } = await createAuditSigningKey(randomProvider());

    expect(await verifyDetached(key.publicKey, MESSAGE, new Uint8Array(10))).toBe(false);
    expect(await verifyDetached(new Uint8Array(5), MESSAGE, new Uint8Array(64))).toBe(false);
  });

  it('unwraps to the same key pair', async () => {
    const provider = randomProvider();
    const { key, wrappedSecret } = await createAuditSigningKey(provider);

    const unwrapped = await unwrapAuditSigningKey(provider, key.keyId, key.publicKey, wrappedSecret);

    expect(unwrapped).toEqual(key);
    const signature = await signDetached(unwrapped.secretKey, MESSAGE);
    expect(await verifyDetached(key.publicKey, MESSAGE, signature)).toBe(true);
  });

  it('unwrap fails for another key id', async () => {
    const provider = randomProvider();
    const { key, wrappedSecret } = await createAuditSigningKey(provider);
    const { key: other } = await createAuditSigningKey(provider);

    await expect(
      unwrapAuditSigningKey(provider, other.keyId, other.publicKey, wrappedSecret),
    ).rejects.toBeInstanceOf(DecryptionFailed);
    await expect(unwrapAuditSigningKey(provider, other.keyId, key.publicKey, wrappedSecret)).rejects.toBeInstanceOf(
      DecryptionFailed,
    );
  });

  it('unwrap fails under another KEK', async () => {
    const provider = randomProvider();
    const other = randomProvider();
    const { key, wrappedSecret } = await createAuditSigningKey(provider);
    const impostor: KeyProvider = { ...other, getKek: () => other.getKek(other.currentKekId()) };

    await expect(
      unwrapAuditSigningKey(impostor, key.keyId, key.publicKey, wrappedSecret),
    ).rejects.toBeInstanceOf(DecryptionFailed);
  });

  it('rewraps under the current KEK', async () => {
    const provider = randomProvider();
    const { key, wrappedSecret } = await createAuditSigningKey(provider);

    const rewrapped = await rewrapAuditSigningKey(provider, key.keyId, key.publicKey, wrappedSecret);

    expect(rewrapped.wrapped).not.toEqual(wrappedSecret.wrapped);
    expect(await unwrapAuditSigningKey(provider, key.keyId, key.publicKey, rewrapped)).toEqual(key);
  });
});
