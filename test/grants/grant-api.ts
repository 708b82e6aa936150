import request from 'supertest';

import { superuserQuery } from '../documents/document-api.js';
import { partnerToken, readDevPartner, type DevPartner } from '../support/partner-client.js';
import type { TestVault } from '../support/test-vault.js';

/** A signed-in client, from `signIn` or `openSession`. */
type ClientSession = { cookie: string; csrfToken: string };

/** Slugs of the development partners that every test vault registers. */
export type DevPartnerSlug = 'cap-emploi-de-nulle-part' | 'cfa-des-essais';

/** A development partner with its id in the vault's registry. */
export interface TestPartner extends DevPartner {
  id: string;
  slug: DevPartnerSlug;
}

/** Reads a development partner's file and finds its id by client id. */
export async function devPartner(vault: TestVault, slug: DevPartnerSlug): Promise<TestPartner> {
  const partner = await readDevPartner(vault, slug);
  const [row] = await superuserQuery<{ id: string }>(vault, 'select id from partners where client_id = $1', [partner.clientId]);
  if (!row) throw new Error(`development partner ${slug} is not registered`);
  return { ...partner, id: row.id, slug };
}

/** Gets a fresh access token for a partner through the real token endpoint. */
export async function tokenFor(vault: TestVault, partner: TestPartner): Promise<string> {
  return partnerToken(vault, partner);
}

/** POSTs JSON as the signed-in person, with the CSRF token. */
export function postJson(vault: TestVault, session: ClientSession, pathname: string, body: unknown = {}, headers: Record<string, string> = {}): request.Test {
  const test = request(vault.url).post(pathname).set('Cookie', session.cookie).set('X-CSRF-Token', session.csrfToken);
  for (const [name, value] of Object.entries(headers)) test.set(name, value);
  return test.send(body as object);
}

/** GETs as the signed-in person. */
export function getAsPerson(vault: TestVault, session: ClientSession, pathname: string): request.Test {
  return request(vault.url).get(pathname).set('Cookie', session.cookie);
}

/** Creates a grant and returns its view; throws with the response when refused. */
export async function createGrant(vault: TestVault, session: ClientSession, body: Record<string, unknown>): Promise<{ id: string; [key: string]: unknown }> {
  const response = await postJson(vault, session, '/api/v1/grants', body);
  if (response.status !== 201) throw new Error(`POST /api/v1/grants answered ${response.status}: ${response.text}`);
  return response.body;
}

/** Builds a partner API request with a bearer token unless `token` is null, and keeps the body as bytes. */
export function partnerRequest(vault: TestVault, method: 'get' | 'post', pathname: string, token: string | null): request.Test {
  const test = request(vault.url)[method](pathname);
  if (token !== null) test.set('Authorization', `Bearer ${token}`);
  return test.buffer(true).parse((res, callback) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.on('end', () => callback(null, Buffer.concat(chunks)));
  });
}

/** Parses a buffered problem detail; throws when the body is not JSON. */
export function problemOf(body: Buffer): { code: string; status: number; title: string; detail: string } {
  return JSON.parse(body.toString('utf8'));
}

/** Moves a grant's window as the superuser, where the API refuses past dates. */
export async function setGrantWindow(vault: TestVault, grantId: string, window: { startsAt?: Date; endsAt?: Date }): Promise<void> {
  if (window.startsAt) await superuserQuery(vault, 'update grants set starts_at = $2 where id = $1', [grantId, window.startsAt]);
  if (window.endsAt) await superuserQuery(vault, 'update grants set ends_at = $2 where id = $1', [grantId, window.endsAt]);
}

/** One audit entry as the grant tests check it. */
export interface AuditRow {
  seq: number;
  actor_type: string;
  actor_id: string | null;
  subject_id: string | null;
  resource_id: string | null;
  outcome: string;
  reason: string | null;
  partner_id: string | null;
  grant_id: string | null;
}

/** Audit entries of an action, oldest first. */
export async function auditRows(vault: TestVault, action: string): Promise<AuditRow[]> {
  const rows = await superuserQuery<AuditRow>(
    vault,
    'select seq, actor_type, actor_id, subject_id, resource_id, outcome, reason, partner_id, grant_id from audit_events where action = $1 order by time, chain, seq',
    [action],
  );
  return rows.map((row) => ({ ...row, seq: Number(row.seq) }));
}

/**
 * Returns the head of every audit chain so far, as JSON of chain to seq, to
 * find the entries a request appends with `AUDIT_AFTER_HEADS`.
 */
export async function auditHead(vault: TestVault): Promise<string> {
  const [row] = await superuserQuery<{ heads: Record<string, number> | null }>(vault, 'select jsonb_object_agg(chain, seq) as heads from audit_chain_heads');
  return JSON.stringify(row?.heads ?? {});
}

/** SQL condition on `audit_events` for entries appended after the heads that `auditHead` returned, passed as $1. */
export const AUDIT_AFTER_HEADS = "seq > coalesce(($1::jsonb ->> chain::text)::bigint, 0)";
