import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { appendAuditEvent } from '../../audit/append.js';
import { fixture, postParts, superuserQuery, uploadParts, waitFor } from '../documents/document-api.js';
import { createGrant, devPartner, partnerRequest, postJson, tokenFor, type TestPartner } from '../grants/grant-api.js';
import { signIn, type SignedIn } from '../support/sign-in.js';
import { startTestVault, type TestVault } from '../support/test-vault.js';
import { countAudit, getPage, pageTitle } from './staff-pages.js';

// Distinctive metadata that must never reach a DPO page.
const SECRET_TITLE = 'Titre-Confidentiel-Page-DPO-5182';
const SECRET_FILE_NAME = 'NomDeFichier-Secret-Page-DPO-9027.pdf';
/** A person id that only the pagination entries carry. */
const PAGED_PERSON = 'personne-pagination-test';

let vault: TestVault;
let dpo: SignedIn;
let camille: SignedIn;
let capEmploi: TestPartner;
/** Every body that a DPO page sent in this file, searched for the title and file name at the end. */
const dpoBodies: string[] = [];

beforeAll(async () => {
  // Checkpoints within a second, so the verification page has one to show.
  vault = await startTestVault({ COFFRE_CHECKPOINT_SECONDS: '1' });
  dpo = await signIn(vault, 'dpo');
  camille = await signIn(vault, 'camille');
  capEmploi = await devPartner(vault, 'cap-emploi-de-nulle-part');

  const upload = await postParts(vault, camille, uploadParts({ category: 'decision_mdph', fileName: SECRET_FILE_NAME, data: fixture('notification-rqth.pdf'), title: SECRET_TITLE }));
  expect(upload.status).toBe(201);
  const documentId = upload.body.id as string;

  // Cap emploi downloads the document, then is refused once the grant is revoked.
  const grant = await createGrant(vault, camille, { partnerId: capEmploi.id, purpose: 'employment_support', documentIds: [documentId] });
  const token = await tokenFor(vault, capEmploi);
  const contentPath = `/partner/v1/grants/${grant.id}/documents/${documentId}/content`;
  expect((await partnerRequest(vault, 'get', contentPath, token)).status).toBe(200);
  expect((await postJson(vault, camille, `/api/v1/grants/${grant.id}/revoke`)).status).toBe(200);
  expect((await partnerRequest(vault, 'get', contentPath, token)).status).toBe(403);

  // 60 entries about one person, more than a page holds.
  for (let index = 0; index < 60; index += 1) {
    await vault.ctx.db.transaction().execute((trx) =>
      appendAuditEvent(trx, {
        actorType: 'person', actorId: PAGED_PERSON, subjectId: PAGED_PERSON,
        action: 'auth.sign_in', resourceType: null, resourceId: null,
        outcome: 'allow', reason: null, requestId: null, sourceAddress: null,
      }),
    );
  }
});

afterAll(async () => {
  await vault?.destroy();
});

async function dpoPage(pathname: string): Promise<request.Response> {
  const response = await getPage(vault, dpo, pathname);
  dpoBodies.push(response.text);
  return response;
}

/** Returns the cells of each row of the page's table. */
function tableRows(html: string): string[][] {
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? '';
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) => [...row[1]!.matchAll(/<td>([\s\S]*?)<\/td>/g)].map((cell) => cell[1]!));
}

/** Today in Paris as AAAA-MM-JJ, the day of every entry of this file. */
function parisToday(offsetDays = 0): string {
  const day = new Date(Date.now() + offsetDays * 86_400_000);
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(day);
}

describe('DPO journal page', () => {
  it('lists entries with French labels', async () => {
    const response = await dpoPage('/dpo/journal');
    expect(response.status).toBe(200);
    expect(pageTitle(response.text)).toBe('Journal d&#39;audit – Coffre');
    expect(tableRows(response.text)).toHaveLength(50);
    expect(response.text).toContain('<td>Connexion</td>');

    const partner = await dpoPage(`/dpo/journal?partnerId=${capEmploi.id}`);
    expect(partner.text).toContain('Téléchargement d&#39;un document par un partenaire');
    expect(partner.text).toContain('Révocation d&#39;un partage');
    expect(partner.text).toContain('Partage révoqué');
    expect(partner.text).toContain('<td>Cap emploi de Nulle-Part</td>');
  });

  it('records each search as the API does', async () => {
    const before = await countAudit(vault, 'audit.search', 'allow');
    const response = await dpoPage(`/dpo/journal?personId=${camille.accountId}&partnerId=${capEmploi.id}`);
    expect(response.status).toBe(200);
    expect(await countAudit(vault, 'audit.search', 'allow')).toBe(before + 1);

    const [entry] = await superuserQuery<{ actor_type: string; actor_id: string; subject_id: string; partner_id: string; resource_type: string }>(
      vault,
      "select actor_type, actor_id, subject_id, partner_id, resource_type from audit_events where action = 'audit.search' order by seq desc limit 1",
    );
    expect(entry).toEqual({ actor_type: 'dpo', actor_id: dpo.accountId, subject_id: camille.accountId, partner_id: capEmploi.id, resource_type: 'audit_log' });
  });

  it('filters by person, partner and outcome', async () => {
    const response = await dpoPage(`/dpo/journal?personId=${camille.accountId}&partnerId=${capEmploi.id}&outcome=deny`);
    expect(response.status).toBe(200);
    const rows = tableRows(response.text);
    const [expected] = await superuserQuery<{ count: string }>(
      vault,
      "select count(*) as count from audit_events where subject_id = $1 and partner_id = $2 and outcome = 'deny'",
      [camille.accountId, capEmploi.id],
    );
    expect(Number(expected!.count)).toBeGreaterThan(0);
    expect(rows).toHaveLength(Number(expected!.count));
    for (const row of rows) {
      expect(row[3]).toBe('Refusé');
      expect(row[6]).toBe(camille.accountId);
      expect(row[7]).toBe('Cap emploi de Nulle-Part');
    }
  });

  it('filters by action', async () => {
    const response = await dpoPage('/dpo/journal?action=grant.revoke');
    const rows = tableRows(response.text);
    expect(rows).toHaveLength(1);
    expect(rows[0]![2]).toBe('Révocation d&#39;un partage');
    expect(response.text).toContain('<option value="grant.revoke" selected>');
  });

  it('filters by Paris calendar days', async () => {
    const today = await dpoPage(`/dpo/journal?action=grant.revoke&from=${parisToday()}&to=${parisToday()}`);
    expect(tableRows(today.text)).toHaveLength(1);
    const tomorrow = await dpoPage(`/dpo/journal?action=grant.revoke&from=${parisToday(1)}`);
    expect(tomorrow.status).toBe(200);
    expect(tableRows(tomorrow.text)).toHaveLength(0);
    expect(tomorrow.text).toContain('Aucune entrée ne correspond à ces filtres.');
    const [year, month, day] = parisToday().split('-');
    const typed = await dpoPage(`/dpo/journal?action=grant.revoke&to=${encodeURIComponent(`${day}/${month}/${year}`)}`);
    expect(tableRows(typed.text)).toHaveLength(1);
    expect(typed.text).toContain(`value="${parisToday()}"`);
  });

  it('pages through older entries', async () => {
    const first = await dpoPage(`/dpo/journal?personId=${PAGED_PERSON}`);
    const firstRows = tableRows(first.text);
    expect(firstRows).toHaveLength(50);
    const next = /<a class="fr-pagination__link[^"]*" href="([^"]+)">Entrées plus anciennes<\/a>/.exec(first.text)?.[1];
    expect(next).toBeDefined();
    const nextPath = next!.replaceAll('&amp;', '&');
    expect(nextPath).toContain(`personId=${PAGED_PERSON}`);

    const second = await dpoPage(nextPath);
    const secondRows = tableRows(second.text);
    expect(secondRows).toHaveLength(10);
    expect(second.text).not.toContain('Entrées plus anciennes');
    // The first cell is "chain-seq"; one person's entries are all in one chain.
    const seqs = [...firstRows, ...secondRows].map((row) => Number(String(row[0]).split('-')[1]));
    expect(new Set(seqs).size).toBe(60);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
  });

  it('shows each invalid filter and searches nothing', async () => {
    const before = await countAudit(vault, 'audit.search');
    const response = await dpoPage('/dpo/journal?personId=a%20b&action=nope&outcome=maybe&from=31%2F02%2F2026&to=demain');
    expect(response.status).toBe(400);
    expect(pageTitle(response.text)).toBe('Erreur – Journal d&#39;audit – Coffre');
    expect(response.text).not.toContain('<table');
    for (const id of ['filtre-personne', 'filtre-action', 'filtre-resultat', 'filtre-du', 'filtre-au']) {
      expect(response.text, id).toContain(`<li><a href="#${id}">`);
      expect(response.text, id).toContain(`<p class="fr-error-text" id="${id}-message">`);
      expect(response.text, id).toMatch(new RegExp(`id="${id}"[^>]*aria-describedby="[^"]*${id}-message"`));
    }
    expect(response.text).toContain('saisissez une date au format jj/mm/aaaa');
    expect(await countAudit(vault, 'audit.search')).toBe(before);
  });

  it('rejects an end before the start', async () => {
    const response = await dpoPage(`/dpo/journal?from=${parisToday()}&to=${parisToday(-1)}`);
    expect(response.status).toBe(400);
    expect(response.text).toContain('<li><a href="#filtre-au">La date de fin est avant la date de début');
  });

  it('rejects a forged cursor', async () => {
    const response = await dpoPage('/dpo/journal?cursor=eyJiZWZvcmUiOi0xfQ');
    expect(response.status).toBe(400);
    expect(response.text).toContain('Le lien vers cette page de résultats est invalide');
  });

  it('rejects a repeated filter', async () => {
    const response = await dpoPage('/dpo/journal?outcome=allow&outcome=deny');
    expect(response.status).toBe(400);
    expect(response.text).toContain('<li><a href="#filtre-resultat">');
  });
});

describe('DPO export page', () => {
  /** Returns the chain with the most entries, and its last seq. */
  async function longestChain(): Promise<{ chain: number; head: number }> {
    const [row] = await superuserQuery<{ chain: number; seq: string }>(vault, 'select chain, max(seq) as seq from audit_events group by chain order by max(seq) desc limit 1');
    return { chain: Number(row!.chain), head: Number(row!.seq) };
  }

  it('links the whole journal by default', async () => {
    const response = await dpoPage('/dpo/export');
    expect(response.status).toBe(200);
    expect(response.text).toContain('href="/dpo/v1/audit/export?format=jsonl"');
    expect(response.text).toContain('href="/dpo/v1/audit/export?format=csv"');
    expect(response.text).not.toContain('<div class="fr-alert fr-alert--error');
  });

  it('links a chosen range that downloads', async () => {
    const { chain } = await longestChain();
    const response = await dpoPage(`/dpo/export?chain=${chain}&fromSeq=3&toSeq=7`);
    expect(response.status).toBe(200);
    const link = /href="(\/dpo\/v1\/audit\/export\?format=csv&amp;chain[^"]+)"/.exec(response.text)?.[1]?.replaceAll('&amp;', '&');
    expect(link).toBe(`/dpo/v1/audit/export?format=csv&chain=${chain}&fromSeq=3&toSeq=7`);

    const download = await request(vault.url).get(link!).set('Cookie', dpo.cookie);
    expect(download.status).toBe(200);
    const lines = download.text.trim().split('\r\n');
    expect(lines.slice(1).map((line) => Number(line.split(',')[0]))).toEqual(Array(5).fill(chain));
    expect(lines.slice(1).map((line) => Number(line.split(',')[1]))).toEqual([3, 4, 5, 6, 7]);
    const [entry] = await superuserQuery<{ resource_id: string }>(vault, "select resource_id from audit_events where action = 'audit.export' order by time desc, chain desc, seq desc limit 1");
    expect(entry!.resource_id).toBe(`chain-${chain}-seq-3-7`);
  });

  it.each([
    ['fromSeq=2', 'export-chaine', 'Le numéro de chaîne est invalide'],
    ['chain=32', 'export-chaine', 'Le numéro de chaîne est invalide'],
    ['chain=abc', 'export-chaine', 'Le numéro de chaîne est invalide'],
    ['CHAIN&fromSeq=0', 'export-debut', 'Le premier numéro est invalide'],
    ['CHAIN&fromSeq=abc', 'export-debut', 'Le premier numéro est invalide'],
    ['CHAIN&fromSeq=999999', 'export-debut', 'Le premier numéro dépasse la dernière entrée'],
    ['CHAIN&toSeq=999999', 'export-fin', 'Le dernier numéro dépasse la dernière entrée'],
    ['CHAIN&fromSeq=7&toSeq=3', 'export-fin', 'Le dernier numéro est plus petit que le premier'],
  ])('rejects %s', async (query, field, message) => {
    const { chain } = await longestChain();
    const response = await dpoPage(`/dpo/export?${query.replace('CHAIN', `chain=${chain}`)}`);
    expect(response.status).toBe(400);
    expect(response.text).toContain(`<li><a href="#${field}">${message}`);
    expect(response.text).not.toContain('/dpo/v1/audit/export?format=jsonl&amp;chain');
  });
});

describe('DPO verification page', () => {
  it('shows a valid chain with its latest checkpoint', async () => {
    expect(await waitFor(async () => (await superuserQuery(vault, 'select 1 from audit_checkpoints')).length > 0, 10_000)).toBe(true);
    const before = await countAudit(vault, 'audit.verify', 'allow');
    const response = await dpoPage('/dpo/verification');
    expect(response.status).toBe(200);
    expect(response.text).toContain('Le journal est intègre');
    // The checkpoint shown is the latest one at or before the verified head. The
    // scheduler may sign a newer one right after, so the page's numbers are checked.
    const text = response.text.replaceAll('<wbr>', '');
    const signed = /<dt>Entrée signée<\/dt><dd>n° (\d+) de la chaîne (\d+)<\/dd>/.exec(text);
    const signedSeq = Number(signed?.[1]);
    const signedChain = Number(signed?.[2]);
    expect(signedSeq).toBeGreaterThan(0);
    const [chainHead] = await superuserQuery<{ seq: string }>(vault, 'select max(seq) as seq from audit_events where chain = $1', [signedChain]);
    expect(signedSeq).toBeLessThanOrEqual(Number(chainHead!.seq));
    const [checkpoint] = await superuserQuery<{ head_hash: Buffer }>(vault, 'select head_hash from audit_checkpoints where chain = $1 and seq = $2 limit 1', [signedChain, signedSeq]);
    expect(text).toContain(`<dt>Empreinte signée</dt><dd><code>${checkpoint!.head_hash.toString('hex')}</code></dd>`);
    expect(response.text).toMatch(/<dt>Entrées vérifiées<\/dt><dd>\d+<\/dd>/);
    expect(await countAudit(vault, 'audit.verify', 'allow')).toBe(before + 1);
  });
});

describe('DPO pages and document metadata', () => {
  it('never show a document title or file name', async () => {
    // The metadata is real: Camille's own list returns it.
    const own = await request(vault.url).get('/api/v1/documents').set('Cookie', camille.cookie);
    expect(own.text).toContain(SECRET_TITLE);
    expect(own.text).toContain(SECRET_FILE_NAME);

    await dpoPage('/dpo');
    await dpoPage(`/dpo/journal?personId=${camille.accountId}`);
    expect(dpoBodies.length).toBeGreaterThan(10);
    for (const body of dpoBodies) {
      expect(body).not.toContain(SECRET_TITLE);
      expect(body).not.toContain(SECRET_FILE_NAME);
    }
  });
});
