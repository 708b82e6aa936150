import { findOrCreateAccount } from '../../server/identity/account.repository.js';
import { sessionCookieName } from '../../server/identity/session-cookie.js';
import { createSession } from '../../server/identity/session.repository.js';
import type { Role } from '../../server/identity/session.types.js';
import type { TestVault } from './test-vault.js';

/** Issuer recorded for accounts made here; sign-ins through a real provider get other accounts. */
export const TEST_SESSION_ISSUER = 'urn:coffre:test:open-session';

/** A signed-in client: the Cookie header to send, its CSRF token and its account. */
export interface TestSession {
  cookie: string;
  csrfToken: string;
  accountId: string;
}

/**
 * Opens a session for `subject` without a sign-in flow, through the real
 * account and session repositories, in one transaction on the vault's
 * database. Returns the same shape as `signIn` from `sign-in.ts`, so a test
 * can switch to the real OIDC flow by changing one line.
 */
export async function openSession(vault: TestVault, subject: string, roles: Role[] = ['person']): Promise<TestSession> {
  const { ctx } = vault;
  const opened = await ctx.db.transaction().execute(async (trx) => {
    const { accountId } = await findOrCreateAccount(trx, ctx.keys, TEST_SESSION_ISSUER, subject);
    const session = await createSession(trx, { accountId, roles, acr: 'eidas2', authTime: new Date() }, ctx.config.session);
    return { accountId, ...session };
  });
  return {
    cookie: `${sessionCookieName(ctx.config)}=${opened.sessionId}`,
    csrfToken: opened.csrfToken,
    accountId: opened.accountId,
  };
}
