import request from 'supertest';

import { superuserQuery } from '../documents/document-api.js';
import type { TestVault } from '../support/test-vault.js';

/** A signed-in client, from `signIn` or `openSession`. */
export type ClientSession = { cookie: string; csrfToken: string; accountId: string };

/** GETs a page, with the session's cookie when one is given. */
export function getPage(vault: TestVault, session: ClientSession | null, pathname: string): request.Test {
  const test = request(vault.url).get(pathname);
  return session ? test.set('Cookie', session.cookie) : test;
}

/**
 * POSTs a page form as a browser does: urlencoded fields, the session's
 * cookie, and its CSRF token in `_csrf`, or the `csrf` option's value when given (null sends none).
 */
export function postForm(
  vault: TestVault,
  session: ClientSession | null,
  pathname: string,
  fields: Record<string, string> = {},
  options: { csrf?: string | null; origin?: string } = {},
): request.Test {
  const body = new URLSearchParams(fields);
  const token = options.csrf === undefined ? session?.csrfToken : options.csrf;
  if (token !== null && token !== undefined) body.set('_csrf', token);
  let test = request(vault.url).post(pathname).type('form').send(body.toString());
  if (session) test = test.set('Cookie', session.cookie);
  if (options.origin !== undefined) test = test.set('Origin', options.origin);
  return test;
}

/** Counts the audit entries of an action, with an outcome when given. */
export async function countAudit(vault: TestVault, action: string, outcome?: 'allow' | 'deny'): Promise<number> {
  const [row] = await superuserQuery<{ count: string }>(
    vault,
    'select count(*) as count from audit_events where action = $1 and ($2::text is null or outcome = $2)',
    [action, outcome ?? null],
  );
  return Number(row!.count);
}

/** Returns the id of the partner with this name, read as the superuser. */
export async function partnerIdByName(vault: TestVault, name: string): Promise<string> {
  const [row] = await superuserQuery<{ id: string }>(vault, 'select id from partners where name = $1', [name]);
  if (!row) throw new Error(`no partner named ${name}`);
  return row.id;
}

/** Returns the text of the page's <title>. */
export function pageTitle(html: string): string {
  return /<title>([^<]*)<\/title>/.exec(html)?.[1] ?? '';
}

/** Returns the levels of the page's headings, in document order. */
export function headingLevels(html: string): number[] {
  return [...html.matchAll(/<h([1-6])[\s>]/g)].map((match) => Number(match[1]));
}
