import { partnerToken, readDevPartner, type DevPartner } from '../../test/support/partner-client.js';
import type { PersonSession } from './http-transfer.js';

/** The development partner whose software the benchmarks play, seeded by every development vault. */
export const BENCH_PARTNER = { slug: 'cap-emploi-de-nulle-part', name: 'Cap emploi de Nulle-Part' };

/** A grant that lets the benchmark partner read some documents, and the partner's key file. */
export interface PartnerAccess {
  partnerId: string;
  grantId: string;
  partner: DevPartner;
}

/**
 * Shares documents with the benchmark partner through `POST /api/v1/grants`,
 * as the person would, for three months.
 */
export async function shareWithPartner(
  vault: { url: string; dataDir: string },
  session: PersonSession,
  scope: { documentIds?: string[]; categories?: string[] },
): Promise<PartnerAccess> {
  const headers = { cookie: session.cookie, 'x-csrf-token': session.csrfToken, 'content-type': 'application/json' };
  const directory = await fetch(`${vault.url}/api/v1/partners?limit=200`, { headers });
  if (directory.status !== 200) throw new Error(`GET /api/v1/partners returned status ${directory.status}; expected 200`);
  const { items } = (await directory.json()) as { items: Array<{ id: string; name: string }> };
  const partnerId = items.find((item) => item.name === BENCH_PARTNER.name)?.id;
  if (!partnerId) throw new Error(`the development partner "${BENCH_PARTNER.name}" is not in GET /api/v1/partners; is the development provider on?`);

  const endsAt = new Date(Date.now() + 90 * 86_400_000).toISOString();
  const created = await fetch(`${vault.url}/api/v1/grants`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ partnerId, purpose: 'employment_support', endsAt, ...scope }),
  });
  if (created.status !== 201) throw new Error(`POST /api/v1/grants returned status ${created.status}: ${(await created.text()).slice(0, 300)}`);
  const grant = (await created.json()) as { id: string };
  return { partnerId, grantId: grant.id, partner: await readDevPartner(vault, BENCH_PARTNER.slug) };
}

/**
 * Gets a new access token through `/oauth/token`. Tokens live 300 s, so the
 * benchmarks take one before each load of at most a minute. The caller must
 * never print it.
 */
export async function bearerHeader(vault: { url: string }, access: PartnerAccess): Promise<Record<string, string>> {
  return { Authorization: `Bearer ${await partnerToken(vault, access.partner)}` };
}
