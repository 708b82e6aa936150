import { createHash, randomBytes } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { DecryptionFailed, KeyProviderError } from '../../crypto/errors.js';
import { envKeyProvider } from '../../crypto/env-key-provider.js';
import type { KeyProvider } from '../../crypto/key-provider.js';
import {
  openSessionIdToken,
  openSignInTransaction,
  sealSessionIdToken,
  sealSignInTransaction,
} from '../../crypto/session-token.js';

function randomProvider(): KeyProvider {
  return envKeyProvider(randomBytes(32).toString('base64'));
}

function sessionHash(): Uint8Array {
  return createHash('sha256').update(randomBytes(32)).digest();
}

const ID_TOKEN = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJjYW1pbGxlIn0.c2lnbmF0dXJl';

describe('sealed session ID token', () => {
  it('opens for its own session', async () => {
    const keys = randomProvider();
    const hash = sessionHash();

    const sealed = await sealSessionIdToken(keys, ID_TOKEN, hash);

    expect(Buffer.from(sealed).includes(Buffer.from(ID_TOKEN))).toBe(false);
    expect(await openSessionIdToken(keys, sealed, hash)).toBe(ID_TOKEN);
  });

  it('fails for another session', async () => {
    const keys = randomProvider();
    const sealed = await sealSessionIdToken(keys, ID_TOKEN, sessionHash());

    await expect(openSessionIdToken(keys, sealed, sessionHash())).rejects.toBeInstanceOf(DecryptionFailed);
  });

  it('fails with a changed byte', async () => {
    const keys = randomProvider();
    const hash = sessionHash();
    const sealed = await sealSessionIdToken(keys, ID_TOKEN, hash);
    sealed[sealed.length - 1]! ^= 0x01;

    await expect(openSessionIdToken(keys, sealed, hash)).rejects.toBeInstanceOf(DecryptionFailed);
  });

  it('fails when truncated to its KEK id', async () => {
    const keys = randomProvider();
    const hash = sessionHash();
    const sealed = await sealSessionIdToken(keys, ID_TOKEN, hash);

    await expect(openSessionIdToken(keys, sealed.subarray(0, 1 + sealed[0]!), hash)).rejects.toBeInstanceOf(DecryptionFailed);
    await expect(openSessionIdToken(keys, new Uint8Array(0), hash)).rejects.toBeInstanceOf(DecryptionFailed);
  });

  it('names a missing KEK', async () => {
    const hash = sessionHash();
    const sealed = await sealSessionIdToken(randomProvider(), ID_TOKEN, hash);

    await expect(openSessionIdToken(randomProvider(), sealed, hash)).rejects.toBeInstanceOf(KeyProviderError);
  });

  it('rejects a session hash of the wrong size', async () => {
    await expect(sealSessionIdToken(randomProvider(), ID_TOKEN, new Uint8Array(16))).rejects.toBeInstanceOf(RangeError);
  });
});

describe('sealed sign-in transaction', () => {
  it('opens as a transaction', async () => {
    const keys = randomProvider();
    const sealed = await sealSignInTransaction(keys, '{"state":"s"}');

    expect(await openSignInTransaction(keys, sealed)).toBe('{"state":"s"}');
  });

  it('does not open as an ID token, nor the reverse', async () => {
    const keys = randomProvider();
    const hash = sessionHash();
    const transaction = await sealSignInTransaction(keys, ID_TOKEN);
    const idToken = await sealSessionIdToken(keys, ID_TOKEN, hash);

    await expect(openSessionIdToken(keys, transaction, hash)).rejects.toBeInstanceOf(DecryptionFailed);
    await expect(openSignInTransaction(keys, idToken)).rejects.toBeInstanceOf(DecryptionFailed);
  });
});
