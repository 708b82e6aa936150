import type { Request, Response } from 'express';

import { DecryptionFailed, KeyProviderError } from '../../../crypto/errors.js';
import type { KeyProvider } from '../../../crypto/key-provider.js';
import { openSignInTransaction, sealSignInTransaction } from '../../../crypto/session-token.js';
import type { Config } from '../../config/config.js';
import { readCookie } from '../session-cookie.js';

/** State that /auth/login keeps for /auth/callback. */
export interface SignInTransaction {
  state: string;
  nonce: string;
  codeVerifier: string;
  /** Same-origin path to go to after sign-in. */
  returnTo: string;
  /** Milliseconds since the epoch after which the callback is refused. */
  expiresAt: number;
}

/** How long a person may take at the identity provider. */
export const SIGN_IN_TRANSACTION_TTL_MS = 10 * 60_000;

// The cookie is sent only to the callback. On https it carries the __Secure- prefix,
// which browsers accept only with the Secure flag.
// NOTE: one cookie contains one transaction, so a sign-in started in a second tab makes
// the first tab's callback fail with state_mismatch.
const COOKIE_PATH = '/auth/callback';

export function signInTransactionCookieName(config: Config): string {
  return isSecure(config) ? '__Secure-coffre_sign_in' : 'coffre_sign_in';
}

/** Seals a transaction under the KEK into a cookie value (base64url). */
export async function sealTransactionCookieValue(keys: KeyProvider, transaction: SignInTransaction): Promise<string> {
  const sealed = await sealSignInTransaction(keys, JSON.stringify(transaction));
  return Buffer.from(sealed).toString('base64url');
}

/**
 * Opens a cookie value. Returns null when it was changed, sealed under a KEK the vault no
 * longer holds, malformed or expired: in every case the sign-in must start again.
 */
export async function openTransactionCookieValue(keys: KeyProvider, value: string, now = Date.now()): Promise<SignInTransaction | null> {
  if (!/^[A-Za-z0-9_-]{1,4096}$/.test(value)) return null;
  let json: string;
  try {
    json = await openSignInTransaction(keys, Buffer.from(value, 'base64url'));
  } catch (error) {
    if (error instanceof DecryptionFailed || error instanceof KeyProviderError) return null;
    throw error;
  }

  const parsed = JSON.parse(json) as Partial<SignInTransaction>;
  const complete =
    typeof parsed.state === 'string' &&
    typeof parsed.nonce === 'string' &&
    typeof parsed.codeVerifier === 'string' &&
    typeof parsed.returnTo === 'string' &&
    typeof parsed.expiresAt === 'number';
  if (!complete || parsed.expiresAt! <= now) return null;
  return parsed as SignInTransaction;
}

/** Stores the transaction in an encrypted, HttpOnly, short-lived cookie. */
export async function writeTransactionCookie(res: Response, config: Config, keys: KeyProvider, transaction: SignInTransaction): Promise<void> {
  res.cookie(signInTransactionCookieName(config), await sealTransactionCookieValue(keys, transaction), {
    httpOnly: true,
    secure: isSecure(config),
    sameSite: 'lax',
    path: COOKIE_PATH,
    maxAge: SIGN_IN_TRANSACTION_TTL_MS,
    encode: String,
  });
}

/** Reads and opens the transaction cookie; null when it is missing, invalid or expired. */
export async function readTransactionCookie(req: Request, config: Config, keys: KeyProvider): Promise<SignInTransaction | null> {
  let value: string | undefined;
  try {
    value = readCookie(req, signInTransactionCookieName(config));
  } catch {
    // readCookie percent-decodes, which throws URIError on a malformed escape.
    return null;
  }
  return value === undefined ? null : openTransactionCookieValue(keys, value);
}

/** Deletes the transaction cookie: a transaction serves one callback only. */
export function clearTransactionCookie(res: Response, config: Config): void {
  res.clearCookie(signInTransactionCookieName(config), { httpOnly: true, secure: isSecure(config), sameSite: 'lax', path: COOKIE_PATH });
}

function isSecure(config: Config): boolean {
  return config.publicUrl.startsWith('https://');
}
