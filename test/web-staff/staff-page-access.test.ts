import { createHash } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { superuserQuery } from '../documents/document-api.js';
import { signIn, type SignedIn } from '../support/sign-in.js';
import { startTestVault, type TestVault } from '../support/test-vault.js';
import { countAudit, getPage, headingLevels, pageTitle, partnerIdByName, postForm } from './staff-pages.js';

type Actor = 'anonymous' | 'person' | 'dpo' | 'admin';

let vault: TestVault;
let sessions: Record<Exclude<Actor, 'anonymous'>, SignedIn>;
let activeId: string;
let suspendedId: string;

beforeAll(async () => {
  vault = await startTestVault();
  sessions = {
    person: await signIn(vault, 'camille'),
    dpo: await signIn(vault, 'dpo'),
    admin: await signIn(vault, 'admin'),
  };
  activeId = await partnerIdByName(vault, 'Cap emploi de Nulle-Part');
  suspendedId = await partnerIdByName(vault, 'CFA des Essais');
  const suspend = await postForm(vault, sessions.admin, `/admin/partenaires/${suspendedId}/suspendre`);
  expect(suspend.status).toBe(303);
});

afterAll(async () => {
  await vault?.destroy();
});

/** Lists every staff page with the one role that may see it. */
function pages(): Array<{ path: string; role: 'dpo' | 'admin' }> {
  return [
    { path: '/dpo', role: 'dpo' },
    { path: '/dpo/journal', role: 'dpo' },
    { path: '/dpo/export', role: 'dpo' },
    { path: '/dpo/verification', role: 'dpo' },
    { path: '/admin', role: 'admin' },
    { path: '/admin/partenaires', role: 'admin' },
    { path: '/admin/partenaires/nouveau', role: 'admin' },
    { path: `/admin/partenaires/${activeId}`, role: 'admin' },
    { path: `/admin/partenaires/${activeId}/suspendre`, role: 'admin' },
    { path: `/admin/partenaires/${suspendedId}/reactiver`, role: 'admin' },
  ];
}

const ACTORS: readonly Actor[] = ['anonymous', 'person', 'dpo', 'admin'];

describe('staff pages access matrix', () => {
  it('redirects, refuses or shows each page by role', async () => {
    const outcomes: string[] = [];
    const expected: string[] = [];
    for (const page of pages()) {
      for (const actor of ACTORS) {
        const response = await getPage(vault, actor === 'anonymous' ? null : sessions[actor], page.path);
        let want = 403;
        if (actor === 'anonymous') want = 303;
        if (actor === page.role) want = 200;
        outcomes.push(`${actor} GET ${page.path} ${response.status}`);
        expected.push(`${actor} GET ${page.path} ${want}`);
      }
    }
    expect(outcomes).toEqual(expected);
  });

  it('sends anonymous visitors to the sign-in with a return path', async () => {
    const response = await getPage(vault, null, '/dpo/journal?outcome=deny');
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe('/auth/login?returnTo=%2Fdpo%2Fjournal%3Foutcome%3Ddeny');
  });

  it('records an expired session, then redirects', async () => {
    const stale = await signIn(vault, 'dpo');
    // Only this session: the file's other DPO session shares its account.
    const idHash = createHash('sha256').update(stale.cookie.split('=')[1]!, 'utf8').digest();
    await superuserQuery(vault, "update sessions set last_seen_at = now() - interval '2 hours' where id_hash = $1", [idHash]);
    const before = await countAudit(vault, 'auth.session', 'deny');
    const response = await getPage(vault, stale, '/dpo/journal');
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe('/auth/login?returnTo=%2Fdpo%2Fjournal');
    expect(await countAudit(vault, 'auth.session', 'deny')).toBe(before + 1);
  });

  it('shows refusals as a French HTML page', async () => {
    const response = await getPage(vault, sessions.admin, '/dpo/journal');
    expect(response.status).toBe(403);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.text).toContain('<html lang="fr"');
    expect(response.text).toContain('<h1>Accès refusé</h1>');
    expect(response.text).toContain('Votre rôle ne permet pas cette action.');
  });

  it('records a refused journal as the API does', async () => {
    const deniedBefore = await countAudit(vault, 'audit.search', 'deny');
    const allowedBefore = await countAudit(vault, 'audit.search', 'allow');
    const response = await getPage(vault, sessions.person, '/dpo/journal');
    expect(response.status).toBe(403);
    expect(response.text).not.toContain('<table');
    expect(await countAudit(vault, 'audit.search', 'deny')).toBe(deniedBefore + 1);
    expect(await countAudit(vault, 'audit.search', 'allow')).toBe(allowedBefore);
  });

  it('records a refused export page and verification', async () => {
    const exportsBefore = await countAudit(vault, 'audit.export', 'deny');
    const verifyBefore = await countAudit(vault, 'audit.verify', 'deny');
    expect((await getPage(vault, sessions.admin, '/dpo/export')).status).toBe(403);
    expect((await getPage(vault, sessions.admin, '/dpo/verification')).status).toBe(403);
    expect(await countAudit(vault, 'audit.export', 'deny')).toBe(exportsBefore + 1);
    expect(await countAudit(vault, 'audit.verify', 'deny')).toBe(verifyBefore + 1);
  });

  it('gives every page a unique title and ordered headings', async () => {
    const titles = new Map<string, string>();
    for (const page of pages()) {
      const response = await getPage(vault, sessions[page.role], page.path);
      expect(response.status, page.path).toBe(200);
      const title = pageTitle(response.text);
      expect(titles.has(title), `${page.path} repeats the title of ${titles.get(title)}`).toBe(false);
      titles.set(title, page.path);

      const levels = headingLevels(response.text);
      expect(levels.filter((level) => level === 1), page.path).toHaveLength(1);
      for (let index = 1; index < levels.length; index += 1) {
        expect(levels[index]! - levels[index - 1]!, `${page.path} skips a heading level`).toBeLessThanOrEqual(1);
      }
    }
  });
});

describe('staff forms access matrix', () => {
  const forms = (): Array<{ path: string; fields: Record<string, string> }> => [
    { path: '/admin/partenaires/nouveau', fields: { name: 'Mission locale des Tests', kind: 'mission_locale', jwks: '{}' } },
    { path: `/admin/partenaires/${activeId}/suspendre`, fields: {} },
    { path: `/admin/partenaires/${suspendedId}/reactiver`, fields: {} },
  ];

  it('refuses every actor but the administrator and changes nothing', async () => {
    const before = await countAudit(vault, 'partner.register') + await countAudit(vault, 'partner.suspend') + await countAudit(vault, 'partner.reactivate');
    for (const form of forms()) {
      const anonymous = await postForm(vault, null, form.path, form.fields);
      expect(anonymous.status, form.path).toBe(303);
      expect(anonymous.headers.location, form.path).toBe(`/auth/login?returnTo=${encodeURIComponent(form.path)}`);
      for (const actor of ['person', 'dpo'] as const) {
        const response = await postForm(vault, sessions[actor], form.path, form.fields);
        expect(response.status, `${actor} POST ${form.path}`).toBe(403);
        expect(response.text).toContain('Accès refusé');
      }
    }
    const after = await countAudit(vault, 'partner.register') + await countAudit(vault, 'partner.suspend') + await countAudit(vault, 'partner.reactivate');
    expect(after).toBe(before);
  });
});
