import { describe, expect, it } from 'vitest';

import { AppError } from '../../server/errors/app-error.js';
import { parsePartnerJwks } from '../../server/partners/partner-jwks.js';
import { signingKeyPair } from './partner-test-support.js';

async function rejection(value: unknown): Promise<Record<string, string | number>> {
  const error = await parsePartnerJwks(value).then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe('validation_failed');
  return (error as AppError).params;
}

describe('parsePartnerJwks', () => {
  it('keeps only the public members of an ES256 key', async () => {
    const { publicJwk } = await signingKeyPair('ES256', 'cle-1');
    const [key] = await parsePartnerJwks({ keys: [{ ...publicJwk, x5u: 'https://example.invalid/cert', ext: true }] });

    expect(key).toEqual({
      kid: 'cle-1',
      alg: 'ES256',
      publicJwk: { kty: 'EC', crv: 'P-256', x: publicJwk.x, y: publicJwk.y, kid: 'cle-1', alg: 'ES256', use: 'sig' },
    });
  });

  it('accepts RS256 and PS256 keys of 2048 bits', async () => {
    const rs = await signingKeyPair('RS256', 'rs');
    const ps = await signingKeyPair('PS256', 'ps');
    const keys = await parsePartnerJwks({ keys: [rs.publicJwk, ps.publicJwk] });
    expect(keys.map((key) => [key.kid, key.alg])).toEqual([['rs', 'RS256'], ['ps', 'PS256']]);
  });

  it('rejects a private EC key, naming the key', async () => {
    const { privateJwk } = await signingKeyPair('ES256');
    const params = await rejection({ keys: [privateJwk] });
    expect(params.field).toBe('jwks.keys[0]');
    expect(params.reason).toContain('partie privée');
    expect(params.reason).toContain('« d »');
  });

  it('rejects a private RSA key', async () => {
    const { privateJwk, publicJwk } = await signingKeyPair('RS256');
    const params = await rejection({ keys: [publicJwk, { ...privateJwk, kid: 'second' }] });
    expect(params.field).toBe('jwks.keys[1]');
    expect(params.reasonEn).toContain('private part');
  });

  it('rejects a symmetric key', async () => {
    const params = await rejection({ keys: [{ kty: 'oct', k: 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0', kid: 'h', alg: 'HS256' }] });
    expect(params.reason).toContain('clé symétrique');
  });

  it.each([
    ['HS256', 'alg'],
    ['none', 'alg'],
    ['ES384', 'alg'],
  ])('rejects alg %s', async (alg) => {
    const { publicJwk } = await signingKeyPair('ES256');
    const params = await rejection({ keys: [{ ...publicJwk, alg }] });
    expect(params.field).toBe('jwks.keys[0].alg');
  });

  it('rejects a key without kid', async () => {
    const { publicJwk } = await signingKeyPair('ES256');
    const params = await rejection({ keys: [{ ...publicJwk, kid: undefined }] });
    expect(params.field).toBe('jwks.keys[0].kid');
  });

  it('rejects a repeated kid', async () => {
    const first = await signingKeyPair('ES256', 'same');
    const second = await signingKeyPair('ES256', 'same');
    const params = await rejection({ keys: [first.publicJwk, second.publicJwk] });
    expect(params.field).toBe('jwks.keys[1].kid');
  });

  it('rejects an EC key declared as RS256', async () => {
    const { publicJwk } = await signingKeyPair('ES256');
    const params = await rejection({ keys: [{ ...publicJwk, alg: 'RS256' }] });
    expect(params.field).toBe('jwks.keys[0]');
    expect(params.reason).toContain('RSA');
  });

  it('rejects an EC point that is not on the curve', async () => {
    const { publicJwk } = await signingKeyPair('ES256');
    const params = await rejection({ keys: [{ ...publicJwk, y: publicJwk.x }] });
    expect(params.reason).toContain('illisible');
  });

  it('rejects an encryption key', async () => {
    const { publicJwk } = await signingKeyPair('ES256');
    const params = await rejection({ keys: [{ ...publicJwk, use: 'enc' }] });
    expect(params.field).toBe('jwks.keys[0].use');
  });

  it.each([
    ['no keys member', {}],
    ['an empty set', { keys: [] }],
    ['a string', 'keys'],
  ])('rejects %s', async (_case, value) => {
    const params = await rejection(value);
    expect(String(params.field)).toMatch(/^jwks/);
  });
});
