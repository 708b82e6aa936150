import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';

import { FIXTURES } from '../documents/document-api.js';
import { auditRows, devPartner, partnerRequest, tokenFor } from '../grants/grant-api.js';
import { startTestVault, type TestVault } from '../support/test-vault.js';
import { expectNoAxeViolations } from './support/axe.js';
import { launchBrowser, type TestBrowser } from './support/browser.js';
import { signInInBrowser } from './support/browser-sign-in.js';

// Every person page, in each state that matters (empty, with data, with
// form errors), checked with axe-core at WCAG 2.1 AA in Debian's Chromium.
describe('person pages in Chromium', () => {
  let vault: TestVault;
  let browser: TestBrowser;
  let page: Page;
  // Page title -> the path that used it; one path may show it in several states.
  const titles = new Map<string, string>();

  beforeAll(async () => {
    vault = await startTestVault();
    browser = await launchBrowser();
    page = await browser.context.newPage();
    await signInInBrowser(page, vault.url, 'camille');
  });

  afterAll(async () => {
    await browser?.close();
    await vault?.destroy();
  });

  async function visit(path: string, expectedStatus = 200): Promise<void> {
    const response = await page.goto(`${vault.url}${path}`);
    expect(response?.status(), path).toBe(expectedStatus);
  }

  // Checks the page's accessibility, its one <h1> and that its title is not shared with another page.
  async function checkPage(state: string): Promise<void> {
    await expectNoAxeViolations(page);
    expect(await page.locator('h1').count(), state).toBe(1);
    const title = await page.title();
    const path = new URL(page.url()).pathname;
    expect(titles.get(title) ?? path, `title "${title}" of ${state} already used by another page`).toBe(path);
    titles.set(title, path);
  }

  it('empty pages have no axe violation', async () => {
    for (const path of ['/documents', '/documents/ajouter', '/partager', '/partages', '/demandes', '/historique']) {
      await visit(path);
      await checkPage(`${path} empty`);
    }
    await visit('/documents');
    expect(await page.getByText('Vous n\'avez encore aucun document').count()).toBe(1);
  });

  it('add form errors: summary linked to fields', async () => {
    await visit('/documents/ajouter');
    await page.getByLabel('Titre (facultatif)').fill('Mon titre gardé');
    await page.getByRole('button', { name: 'Ajouter ce document' }).click();
    await page.waitForLoadState('load');

    const summary = page.locator('[data-error-summary]');
    expect(await summary.locator('a').getAttribute('href')).toBe('#category');
    expect(await page.locator('#category').getAttribute('aria-describedby')).toBe('category-message');
    expect(await page.locator('#category-message').textContent()).toBe('Choisissez la catégorie du document dans la liste.');
    expect(await page.getByLabel('Titre (facultatif)').inputValue()).toBe('Mon titre gardé');
    expect(await page.title()).toBe('Erreur – Ajouter un document – Coffre');
    // coffre.js moves the focus to the summary.
    expect(await page.evaluate('document.activeElement?.hasAttribute("data-error-summary")')).toBe(true);
    await expectNoAxeViolations(page);

    await page.getByLabel('Catégorie du document').selectOption('medical');
    await page.getByRole('button', { name: 'Ajouter ce document' }).click();
    await page.waitForLoadState('load');
    expect(await page.locator('#file-message').textContent()).toBe('Choisissez le fichier à ajouter.');
    expect(await page.getByLabel('Catégorie du document').inputValue()).toBe('medical');
    await expectNoAxeViolations(page);
  });

  it('documents added by the form are listed', async () => {
    for (const [category, title, file] of [['decision_mdph', 'Notification RQTH', 'notification-rqth.pdf'], ['medical', 'Certificat <médical>', 'certificat-medical-scan.jpg']]) {
      await visit('/documents/ajouter');
      await page.getByLabel('Catégorie du document').selectOption(category!);
      await page.getByLabel('Titre (facultatif)').fill(title!);
      await page.locator('#file').setInputFiles(`${FIXTURES}${file}`);
      await page.getByRole('button', { name: 'Ajouter ce document' }).click();
      await page.waitForURL(`${vault.url}/documents?fait=ajoute`);
    }
    expect(await page.getByRole('status').textContent()).toContain('Votre document a été ajouté');
    expect(await page.getByRole('heading', { level: 3 }).allTextContents()).toEqual(['Notification RQTH', 'Certificat <médical>']);
    await checkPage('/documents with data');
    const uploads = await auditRows(vault, 'document.upload');
    expect(uploads.filter((row) => row.outcome === 'allow')).toHaveLength(2);

    await page.getByRole('link', { name: 'Supprimer Notification RQTH' }).click();
    await page.waitForLoadState('load');
    expect(await page.locator('h1').textContent()).toBe('Supprimer le document « Notification RQTH » ?');
    await checkPage('delete confirmation');
  });

  it('share form errors, then confirmation and grant list', async () => {
    await visit('/partager');
    await page.getByRole('button', { name: 'Vérifier le partage' }).click();
    await page.waitForLoadState('load');
    expect(await page.locator('[data-error-summary] li').count()).toBe(3);
    await checkPage('/partager with errors');

    await page.locator('#partnerId').selectOption({ label: 'Cap emploi de Nulle-Part' });
    await page.getByLabel('Accompagnement vers l\'emploi ou maintien dans l\'emploi').check();
    await page.getByLabel('Notification RQTH').check();
    await page.getByLabel('6 mois').check();
    await page.getByRole('button', { name: 'Vérifier le partage' }).click();
    await page.waitForLoadState('load');
    expect(await page.locator('h1').textContent()).toBe('Vérifiez votre partage');
    expect(await page.locator('.fr-callout').textContent()).toContain('J\'autorise Cap emploi de Nulle-Part à consulter dans mon coffre les documents suivants : « Notification RQTH »');
    await checkPage('share confirmation');

    await page.getByRole('button', { name: 'Je donne mon accord et je partage' }).click();
    await page.waitForURL(`${vault.url}/partages?fait=cree`);
    expect(await page.locator('.coffre-grant-list h3').first().textContent()).toContain('Cap emploi de Nulle-Part');
    await checkPage('/partages with data');
    const created = await auditRows(vault, 'grant.create');
    expect(created.filter((row) => row.outcome === 'allow')).toHaveLength(1);

    await page.getByRole('link', { name: 'Révoquer le partage avec Cap emploi de Nulle-Part' }).click();
    await page.waitForLoadState('load');
    expect(await page.locator('main').textContent()).toContain('Cap emploi de Nulle-Part ne peut plus consulter ce document');
    await checkPage('revoke confirmation');
  });

  it('sharing code and partner requests', async () => {
    await visit('/demandes');
    await page.getByRole('button', { name: 'Créer un code de partage' }).click();
    await page.waitForLoadState('load');
    const code = (await page.locator('.coffre-code').textContent())!.trim();
    expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2}$/);
    await checkPage('sharing code');

    const cfa = await devPartner(vault, 'cfa-des-essais');
    const token = await tokenFor(vault, cfa);
    for (const purpose of ['training_access', 'rights_application']) {
      const sent = await partnerRequest(vault, 'post', '/partner/v1/access-requests', token)
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ sharingCode: code, purpose, categories: ['decision_mdph'], requestedDurationDays: 90, message: 'Pour votre inscription' }));
      expect(sent.status).toBe(201);
    }

    await visit('/demandes');
    expect(await page.getByText('Message du partenaire : « Pour votre inscription »').count()).toBe(2);
    await checkPage('/demandes with data');

    await page.getByRole('link', { name: 'Accepter la demande de CFA des Essais' }).first().click();
    await page.waitForLoadState('load');
    await checkPage('approve request');
    await page.getByLabel('1 mois').check();
    await page.getByRole('button', { name: 'J\'accepte et je partage' }).click();
    await page.waitForURL(`${vault.url}/demandes?fait=acceptee`);

    await page.getByRole('link', { name: 'Refuser la demande de CFA des Essais' }).click();
    await page.waitForLoadState('load');
    await checkPage('refuse request');
    await page.getByRole('button', { name: 'Refuser la demande' }).click();
    await page.waitForURL(`${vault.url}/demandes?fait=refusee`);
    expect(await page.locator('.fr-badge', { hasText: 'Acceptée' }).count()).toBe(1);
    expect(await page.locator('.fr-badge', { hasText: 'Refusée' }).count()).toBe(1);
  });

  it('history lists the events', async () => {
    await visit('/historique');
    const rows = page.locator('tbody tr');
    expect(await rows.count()).toBeGreaterThanOrEqual(3);
    expect(await page.locator('tbody').textContent()).toContain('Partage créé');
    await checkPage('/historique with data');
  });

  it('account pages have no axe violation', async () => {
    await visit('/compte');
    await checkPage('/compte');
    await visit('/compte/supprimer');
    await checkPage('/compte/supprimer');

    // Sent without the box ticked: the error state, and nothing is erased.
    await page.getByRole('button', { name: 'Supprimer définitivement mon compte' }).click();
    await page.waitForLoadState('load');
    expect(await page.title()).toBe('Erreur – Supprimer mon compte – Coffre');
    await expectNoAxeViolations(page);
    await visit('/documents');
    expect(await page.getByText('Vous n\'avez encore aucun document').count()).toBe(0);
  });

  it('error page has no axe violation', async () => {
    await visit('/documents/00000000-0000-4000-8000-000000000000/supprimer', 404);
    expect(await page.locator('h1').textContent()).toBe('Introuvable');
    await expectNoAxeViolations(page);
  });

  it('pages fit 320 pixels without horizontal scroll', async () => {
    await page.setViewportSize({ width: 320, height: 640 });
    for (const path of ['/documents', '/partager', '/historique', '/compte', '/compte/supprimer']) {
      await visit(path);
      const scrollWidth = await page.evaluate('document.documentElement.scrollWidth');
      expect(scrollWidth, path).toBeLessThanOrEqual(320);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  });
});
