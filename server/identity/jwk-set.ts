import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';

/** A JSON Web Key Set as stored in a private key file. */
export interface JwkSet {
  keys: JWK[];
}

// Members of a private JWK that must never leave the process (RFC 7518, sections 6.2.2 and 6.3.2).
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

/**
 * Generates a private JWK for `alg` with its RFC 7638 thumbprint as `kid`, `alg` and `use`
 * set. `rsaModulusBits` applies to RSA algorithms only.
 */
export async function generatePrivateJwk(
  alg: 'ES256' | 'RS256' | 'ECDH-ES' | 'RSA-OAEP',
  use: 'sig' | 'enc',
  rsaModulusBits = 3072,
): Promise<JWK> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true, modulusLength: rsaModulusBits });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, kid: await calculateJwkThumbprint(jwk), alg, use };
}

/** Returns the public half of each key, keeping only the members a JWKS consumer needs. */
export function publicJwkSet(set: JwkSet): JwkSet {
  return {
    keys: set.keys.map((key) => {
      const copy: JWK = { ...key };
      for (const member of PRIVATE_MEMBERS) delete copy[member];
      return copy;
    }),
  };
}

/** Checks that a parsed file is a JWK Set of private keys with `kid` and `alg`; names the file on failure. */
export function parsePrivateJwkSet(value: unknown, file: string): JwkSet {
  const keys = (value as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0) {
    throw new Error(`${file} is not a JWK Set: it needs a non-empty "keys" array`);
  }
  keys.forEach((key: unknown, index) => {
    const jwk = key as JWK | null;
    if (!jwk || typeof jwk !== 'object' || typeof jwk.kty !== 'string' || typeof jwk.d !== 'string') {
      throw new Error(`${file}: keys[${index}] is not a private JWK (it needs "kty" and "d")`);
    }
    if (typeof jwk.kid !== 'string' || typeof jwk.alg !== 'string') {
      throw new Error(`${file}: keys[${index}] needs "kid" and "alg"`);
    }
  });
  return { keys: keys as JWK[] };
}
