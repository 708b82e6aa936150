import { importJWK, type JWK } from 'jose';

import { AppError } from '../errors/app-error.js';
import { PARTNER_KEY_ALGORITHMS, type PartnerKey, type PartnerKeyAlgorithm } from './partner.types.js';

/** Keys a partner may register at once; enough for a rotation with an overlap. */
export const MAX_PARTNER_KEYS = 10;

// Members of a private or symmetric JWK (RFC 7518, sections 6.2.2, 6.3.2 and 6.4.1).
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

// kid values are compared as strings and shown to administrators, so printable ASCII only.
const KID_PATTERN = /^[\x21-\x7e]{1,128}$/;

const MIN_RSA_MODULUS_BITS = 2048;

/**
 * Validates a JWK Set of public signing keys that a partner registers, and returns each
 * key reduced to its public members with `kid`, `alg` and `use: "sig"`.
 * Throws `validation_failed` naming the offending member (`jwks.keys[1].alg`, for one).
 * The set must hold 1 to 10 keys. Each key must be public and asymmetric, with a unique
 * `kid` and an `alg` among ES256, PS256 and RS256 that matches the key's type.
 */
export async function parsePartnerJwks(value: unknown, field = 'jwks'): Promise<PartnerKey[]> {
  if (!isObject(value) || !Array.isArray(value.keys)) {
    throw invalid(field, 'objet JWK Set attendu, de la forme { "keys": [ … ] }', 'a JWK Set object is expected, shaped { "keys": [ … ] }');
  }
  const keys: unknown[] = value.keys;
  if (keys.length === 0 || keys.length > MAX_PARTNER_KEYS) {
    throw invalid(`${field}.keys`, `de 1 à ${MAX_PARTNER_KEYS} clés publiques attendues`, `1 to ${MAX_PARTNER_KEYS} public keys are expected`);
  }

  const parsed: PartnerKey[] = [];
  for (const [index, key] of keys.entries()) {
    const publicKey = await parsePublicJwk(key, `${field}.keys[${index}]`);
    if (parsed.some((other) => other.kid === publicKey.kid)) {
      throw invalid(`${field}.keys[${index}].kid`, `le kid « ${publicKey.kid} » est déjà utilisé par une autre clé de ce jeu`, `the kid "${publicKey.kid}" is already used by another key of this set`);
    }
    parsed.push(publicKey);
  }
  return parsed;
}

async function parsePublicJwk(value: unknown, field: string): Promise<PartnerKey> {
  if (!isObject(value)) throw invalid(field, 'objet JWK attendu', 'a JWK object is expected');

  const privateMember = PRIVATE_MEMBERS.find((member) => member in value);
  if (privateMember === 'k' || value.kty === 'oct') {
    throw invalid(field, 'clé symétrique refusée : enregistrez la clé publique d\'une paire ES256, PS256 ou RS256', 'symmetric key rejected: register the public key of an ES256, PS256 or RS256 key pair');
  }
  if (privateMember !== undefined) {
    throw invalid(
      field,
      `cette clé contient une partie privée (membre « ${privateMember} ») ; n'envoyez que la clé publique, et remplacez cette paire de clés, car sa partie privée a circulé`,
      `this key contains a private part (member "${privateMember}"); send only the public key, and replace this key pair, because its private part was exposed`,
    );
  }

  const kid = value.kid;
  if (typeof kid !== 'string' || !KID_PATTERN.test(kid)) {
    throw invalid(`${field}.kid`, 'identifiant de clé (kid) attendu : 1 à 128 caractères ASCII imprimables, sans espace', 'a key id (kid) is expected: 1 to 128 printable ASCII characters, without spaces');
  }
  const alg = value.alg;
  if (typeof alg !== 'string' || !(PARTNER_KEY_ALGORITHMS as readonly string[]).includes(alg)) {
    throw invalid(`${field}.alg`, `algorithme attendu parmi ${PARTNER_KEY_ALGORITHMS.join(', ')}`, `an algorithm among ${PARTNER_KEY_ALGORITHMS.join(', ')} is expected`);
  }
  if (value.use !== undefined && value.use !== 'sig') {
    throw invalid(`${field}.use`, 'seul l\'usage « sig » (signature) est accepté', 'only the use "sig" (signature) is accepted');
  }
  if (value.key_ops !== undefined && !(Array.isArray(value.key_ops) && value.key_ops.every((operation) => operation === 'verify'))) {
    throw invalid(`${field}.key_ops`, 'seule l\'opération « verify » est acceptée', 'only the operation "verify" is accepted');
  }

  const publicJwk = publicMembers(value, alg as PartnerKeyAlgorithm, field);
  try {
    await importJWK(publicJwk, alg);
  } catch (error) {
    throw invalid(field, `clé publique illisible pour ${alg}`, `unreadable public key for ${alg}`, error);
  }
  return { kid, alg: alg as PartnerKeyAlgorithm, publicJwk: { ...publicJwk, kid, alg, use: 'sig' } };
}

// Keeps only the members that define the public key, so nothing else the sender
// added (x5c, x5u, custom members) is stored or trusted.
function publicMembers(value: Record<string, unknown>, alg: PartnerKeyAlgorithm, field: string): JWK {
  if (alg === 'ES256') {
    if (value.kty !== 'EC' || value.crv !== 'P-256' || !isBase64Url(value.x) || !isBase64Url(value.y)) {
      throw invalid(field, 'une clé ES256 doit être de type EC, courbe P-256, avec « x » et « y »', 'an ES256 key must have kty EC, curve P-256, with "x" and "y"');
    }
    return { kty: 'EC', crv: 'P-256', x: value.x, y: value.y };
  }
  if (value.kty !== 'RSA' || !isBase64Url(value.n) || !isBase64Url(value.e)) {
    throw invalid(field, `une clé ${alg} doit être de type RSA, avec « n » et « e »`, `a ${alg} key must have kty RSA, with "n" and "e"`);
  }
  if (modulusBits(value.n) < MIN_RSA_MODULUS_BITS) {
    throw invalid(`${field}.n`, `module RSA d'au moins ${MIN_RSA_MODULUS_BITS} bits attendu`, `an RSA modulus of at least ${MIN_RSA_MODULUS_BITS} bits is expected`);
  }
  return { kty: 'RSA', n: value.n, e: value.e };
}

function modulusBits(n: string): number {
  const bytes = Buffer.from(n, 'base64url');
  let start = 0;
  while (start < bytes.length && bytes[start] === 0) start += 1;
  if (start === bytes.length) return 0;
  return (bytes.length - start - 1) * 8 + (32 - Math.clz32(bytes[start]!));
}

function isBase64Url(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9_-]{1,2048}$/.test(value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(field: string, reason: string, reasonEn: string, cause?: unknown): AppError {
  return new AppError('validation_failed', { field, reason, reasonEn }, { cause });
}
