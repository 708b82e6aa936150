import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { FIXTURES } from '../documents/document-api.js';
import { startTestVault, type TestVault } from '../support/test-vault.js';
import { launchBrowser, type TestBrowser } from './support/browser.js';
import { tabToId, tabToText } from './support/keyboard.js';

// A person who uses the keyboard alone: Tab and Shift+Tab to move, Enter and
// Space to follow links and press buttons, and the arrow keys inside a select
// or a radio group, as browsers expect. Nothing is clicked. The one
// non-keyboard action is choosing the file, because the system's file
// dialog is outside the page: playwright's setInputFiles on the focused file
// input replaces it.
describe('keyboard-only person journey', () => {
  let vault: TestVault;
  let browser: TestBrowser;
  let page: Page;

  beforeAll(async () => {
    vault = await startTestVault();
    browser = await launchBrowser();
    page = await browser.context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await vault?.destroy();
  });

  async function pressAndWait(key: 'Enter' | 'Space', urlPattern?: RegExp): Promise<void> {
    // waitForURL resolves at once when the page already has a matching URL,
    // as for a form that posts to its own address, before the response loads.
    // The next document's load event is then what to wait for.
    const sameUrl = urlPattern !== undefined && urlPattern.test(page.url());
    const arrival = urlPattern !== undefined && !sameUrl ? page.waitForURL(urlPattern) : page.waitForEvent('load');
    await Promise.all([arrival, page.keyboard.press(key)]);
    if (urlPattern !== undefined) expect(page.url()).toMatch(urlPattern);
  }

  it('signs in, adds, shares, revokes, reads history', async () => {
    await page.goto(`${vault.url}/`);
    const first = await tabToText(page, 'Aller au contenu');
    expect(first.outlineStyle).not.toBe('none');
    await tabToText(page, 'S\'identifier avec');
    await pressAndWait('Enter', /\/dev-idp\//);
    await tabToText(page, 'Camille EXEMPLE');
    await pressAndWait('Enter', new RegExp(`^${vault.url}/$`));

    // Add a document.
    await tabToText(page, 'Mes documents');
    await pressAndWait('Enter', /\/documents$/);
    await tabToText(page, 'Ajouter un document');
    await pressAndWait('Enter', /\/documents\/ajouter$/);
    await tabToId(page, 'title');
    await page.keyboard.type('Notification RQTH');
    await tabToId(page, 'category');
    await page.keyboard.press('ArrowDown');
    await tabToId(page, 'file');
    // The allowed non-key action: the file dialog is replaced by setInputFiles on the focused input.
    await page.locator(':focus').setInputFiles(`${FIXTURES}notification-rqth.pdf`);
    const submit = await tabToText(page, 'Ajouter ce document');
    expect(submit.outlineStyle).not.toBe('none');
    await pressAndWait('Enter', /\/documents\?fait=ajoute$/);
    expect(await page.locator('h3').allTextContents()).toEqual(['Notification RQTH']);

    // Share it with the first partner of the directory, for 3 months (the preset already chosen).
    await tabToText(page, 'Partager');
    await pressAndWait('Enter', /\/partager$/);
    await tabToId(page, 'purpose-0');
    // Shift+Tab back to the partner list, as someone who went one field too far.
    await tabToId(page, 'partnerId', { backwards: true });
    await page.keyboard.press('ArrowDown');
    await tabToId(page, 'purpose-0');
    await page.keyboard.press('Space');
    await tabToId(page, 'documentIds-0');
    await page.keyboard.press('Space');
    await tabToText(page, 'Vérifier le partage');
    await pressAndWait('Enter', /\/partager$/);
    expect(await page.locator('h1').textContent()).toBe('Vérifiez votre partage');
    await tabToText(page, 'Je donne mon accord et je partage');
    await pressAndWait('Space', /\/partages\?fait=cree$/);
    expect(await page.locator('.coffre-grant-list h3').first().textContent()).toContain('Cap emploi de Nulle-Part');

    // Revoke it.
    await tabToText(page, 'Révoquer le partage avec Cap emploi de Nulle-Part');
    await pressAndWait('Enter', /\/revoquer$/);
    await tabToText(page, 'Révoquer le partage');
    await pressAndWait('Space', /\/partages\?fait=revoque$/);
    expect(await page.locator('.fr-badge', { hasText: 'Révoqué' }).count()).toBe(1);

    // Read the history.
    await tabToText(page, 'Historique des accès');
    await pressAndWait('Enter', /\/historique$/);
    const events = await page.locator('tbody tr td:nth-child(2)').allTextContents();
    expect(events).toContain('Partage créé');
    expect(events).toContain('Partage révoqué');
  });
});
