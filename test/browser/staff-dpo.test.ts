import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { superuserQuery, uploadSpecimen, waitFor } from '../documents/document-api.js';
import { signIn } from '../support/sign-in.js';
import { startTestVault, type TestVault } from '../support/test-vault.js';
import { expectNoAxeViolations } from './support/axe.js';
import { launchBrowser, type TestBrowser } from './support/browser.js';
import { signInInBrowser } from './support/browser-sign-in.js';

// Every DPO page in each state that matters, checked by axe-core at WCAG 2.1 AA.
describe('DPO pages in Chromium', () => {
  let vault: TestVault;
  let browser: TestBrowser;
  let page: Page;

  beforeAll(async () => {
    vault = await startTestVault({ COFFRE_CHECKPOINT_SECONDS: '1' });
    const camille = await signIn(vault, 'camille');
    await uploadSpecimen(vault, camille, 'notification-rqth.pdf', 'decision_mdph');
    expect(await waitFor(async () => (await superuserQuery(vault, 'select 1 from audit_checkpoints')).length > 0, 10_000)).toBe(true);

    browser = await launchBrowser();
    page = await browser.context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await vault?.destroy();
  });

  async function open(pathname: string, expectedStatus = 200): Promise<void> {
    const response = await page.goto(`${vault.url}${pathname}`);
    expect(response?.status(), pathname).toBe(expectedStatus);
  }

  // The sign-in helper polls with expect, which runs inside a test only.
  it('home page', async () => {
    await signInInBrowser(page, vault.url, 'dpo');
    await open('/dpo');
    expect(await page.title()).toBe('Espace du délégué à la protection des données – Coffre');
    await expectNoAxeViolations(page);
  });

  it('journal with entries', async () => {
    await open('/dpo/journal');
    expect(await page.locator('tbody tr').count()).toBeGreaterThan(0);
    expect(await page.getByRole('link', { name: 'Journal d\'audit' }).getAttribute('aria-current')).toBe('page');
    await expectNoAxeViolations(page);
  });

  it('journal with no matching entry', async () => {
    await open('/dpo/journal?action=grant.revoke');
    expect(await page.getByText('Aucune entrée ne correspond à ces filtres.').count()).toBe(1);
    await expectNoAxeViolations(page);
  });

  it('journal with filter errors', async () => {
    await open('/dpo/journal');
    await page.fill('#filtre-personne', 'pas un identifiant !');
    await page.fill('#filtre-du', '2026-03-10');
    await page.fill('#filtre-au', '2026-03-01');
    await page.getByRole('button', { name: 'Rechercher' }).click();
    await page.waitForLoadState('load');
    expect(await page.title()).toBe('Erreur – Journal d\'audit – Coffre');
    expect(await page.locator('[data-error-summary] li').count()).toBe(2);
    // coffre.js moves the focus to the summary, so it is read first.
    expect(await page.evaluate<boolean>("document.activeElement?.hasAttribute('data-error-summary') ?? false")).toBe(true);
    await expectNoAxeViolations(page);
  });

  it('journal with an invalid page link', async () => {
    await open('/dpo/journal?cursor=invalide', 400);
    expect(await page.getByText('Lien invalide').count()).toBe(1);
    await expectNoAxeViolations(page);
  });

  it('export page and its errors', async () => {
    await open('/dpo/export');
    expect(await page.getByRole('link', { name: /Tout le journal, format CSV/ }).count()).toBe(1);
    await expectNoAxeViolations(page);

    await page.fill('#export-chaine', '0');
    await page.fill('#export-debut', '0');
    await page.getByRole('button', { name: 'Préparer l\'export' }).click();
    await page.waitForLoadState('load');
    expect(await page.title()).toBe('Erreur – Exporter le journal d\'audit – Coffre');
    await expectNoAxeViolations(page);
  });

  it('verification of an intact journal', async () => {
    await open('/dpo/verification');
    expect(await page.getByRole('heading', { name: 'Le journal est intègre' }).count()).toBe(1);
    expect(await page.getByText('Entrée signée').count()).toBe(1);
    await expectNoAxeViolations(page);
  });

  it('verification of a tampered journal', async () => {
    // As the table owner, with the append-only triggers off for one statement.
    await superuserQuery(
      vault,
      "begin; alter table audit_events disable trigger user; update audit_events set outcome = case outcome when 'allow' then 'deny' else 'allow' end where chain = (select min(chain) from audit_events where seq = 2) and seq = 2; alter table audit_events enable trigger user; commit;",
    );
    await open('/dpo/verification');
    expect(await page.getByRole('heading', { name: /ne correspond plus/ }).count()).toBe(1);
    expect(await page.getByText(/Première anomalie à l'entrée n° 2 de la chaîne \d+/).count()).toBe(1);
    await expectNoAxeViolations(page);
  });

  it('pages fit 320 px wide', async () => {
    await page.setViewportSize({ width: 320, height: 800 });
    for (const pathname of ['/dpo', '/dpo/journal', '/dpo/export', '/dpo/verification']) {
      await open(pathname);
      expect(await page.evaluate<number>('document.documentElement.scrollWidth'), pathname).toBeLessThanOrEqual(320);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('refusal page for a person', async () => {
    // A fresh start, without the DPO's session at the vault or at the provider.
    await browser.context.clearCookies();
    await signInInBrowser(page, vault.url, 'camille');
    await open('/dpo/journal', 403);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Accès refusé');
    await expectNoAxeViolations(page);
  });
});
