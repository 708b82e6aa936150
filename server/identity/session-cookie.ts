import type { Request, Response } from 'express';

import type { Config } from '../config/config.js';

/**
 * `__Host-` cookies must be Secure, so the prefix and the flag go together:
 * on https (production) both, on the embedded default's plain
 * http://localhost neither. Production refuses plain http at start.
 */
export function sessionCookieName(config: Config): string {
  return isSecure(config) ? '__Host-coffre_session' : 'coffre_session';
}

export function setSessionCookie(res: Response, config: Config, sessionId: string, expiresAt: Date): void {
  res.cookie(sessionCookieName(config), sessionId, {
    httpOnly: true,
    secure: isSecure(config),
    sameSite: 'lax',
    path: '/',
    expires: expiresAt,
  });
}

export function clearSessionCookie(res: Response, config: Config): void {
  res.clearCookie(sessionCookieName(config), { httpOnly: true, secure: isSecure(config), sameSite: 'lax', path: '/' });
}

/** Reads one cookie from the raw header; the vault needs no cookie parser for one value. */
export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const separator = part.indexOf('=');
    if (separator < 0) continue;
    if (part.slice(0, separator).trim() !== name) continue;
    // A malformed escape is a garbage cookie, which counts as no cookie.
    try {
      return decodeURIComponent(part.slice(separator + 1).trim());
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function isSecure(config: Config): boolean {
  return config.publicUrl.startsWith('https://');
}
