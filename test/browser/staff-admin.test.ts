import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { superuserQuery } from '../documents/document-api.js';
import { signingKeyPair } from '../partners/partner-test-support.js';
import { startTestVault, type TestVault } from '../support/test-vault.js';
import { expectNoAxeViolations } from './support/axe.js';
import { launchBrowser, type TestBrowser } from './support/browser.js';
import { signInInBrowser } from './support/browser-sign-in.js';

// Every administrator page in each state that matters, checked by axe-core
// at WCAG 2.1 AA, and the registration form used with the keyboard alone.
describe('administrator pages in Chromium', () => {
  let vault: TestVault;
  let browser: TestBrowser;
  let page: Page;
  let publicJwks: string;

  beforeAll(async () => {
    vault = await startTestVault();
    browser = await launchBrowser();
    page = await browser.context.newPage();
    const { publicJwk } = await signingKeyPair('ES256', 'cle-clavier');
    publicJwks = JSON.stringify({ keys: [publicJwk] });
  });

  afterAll(async () => {
    await browser?.close();
    await vault?.destroy();
  });

  async function open(pathname: string, expectedStatus = 200): Promise<void> {
    const response = await page.goto(`${vault.url}${pathname}`);
    expect(response?.status(), pathname).toBe(expectedStatus);
  }

  async function partnerId(name: string): Promise<string> {
    const [row] = await superuserQuery<{ id: string }>(vault, 'select id from partners where name = $1', [name]);
    return row!.id;
  }

  /** Id of the focused element, or its tag name when it has none. */
  async function focused(): Promise<string> {
    return page.evaluate<string>("document.activeElement?.id || document.activeElement?.tagName || ''");
  }

  /** Presses Tab until the element with this id has the focus, at most `max` times; returns the count. */
  async function tabTo(id: string, max = 40): Promise<number> {
    for (let presses = 1; presses <= max; presses += 1) {
      await page.keyboard.press('Tab');
      if ((await focused()) === id) return presses;
    }
    throw new Error(`#${id} never got the focus in ${max} presses of Tab`);
  }

  /** Presses Enter to send a form and waits for the page that the POST returns or redirects to. */
  async function submitWithEnter(): Promise<void> {
    // Armed before the key press, so the load of the new document is the one awaited.
    const loaded = page.waitForEvent('load');
    await page.keyboard.press('Enter');
    await loaded;
  }

  // The sign-in helper polls with expect, which runs inside a test only.
  it('home page', async () => {
    await signInInBrowser(page, vault.url, 'admin');
    await open('/admin');
    expect(await page.title()).toBe('Espace d\'administration – Coffre');
    await expectNoAxeViolations(page);
  });

  it('partner list', async () => {
    await open('/admin/partenaires');
    expect(await page.locator('tbody tr').count()).toBe(2);
    await expectNoAxeViolations(page);
  });

  it('empty registration form', async () => {
    await open('/admin/partenaires/nouveau');
    await expectNoAxeViolations(page);
  });

  it('registration by keyboard alone, errors first', async () => {
    await open('/admin/partenaires/nouveau');

    // Sent empty: every required field is refused.
    await tabTo('partenaire-nom');
    await submitWithEnter();
    expect(await page.title()).toBe('Erreur – Enregistrer un partenaire – Coffre');
    expect(await page.evaluate<boolean>("document.activeElement?.hasAttribute('data-error-summary') ?? false")).toBe(true);
    await expectNoAxeViolations(page);

    // The summary's first link leads to the name field.
    await page.keyboard.press('Tab');
    expect(await page.evaluate<string | null>("document.activeElement?.getAttribute('href') ?? null")).toBe('#partenaire-nom');
    await page.keyboard.press('Enter');
    expect(await page.evaluate<string>('location.hash')).toBe('#partenaire-nom');
    await tabTo('partenaire-nom');

    await page.keyboard.type('Mission locale du Clavier');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('partenaire-type');
    // Options: the empty choice, then mdph, cap_emploi, france_travail, mission_locale.
    for (let step = 0; step < 4; step += 1) await page.keyboard.press('ArrowDown');
    expect(await page.inputValue('#partenaire-type')).toBe('mission_locale');

    // Back and forth: Shift+Tab returns to the name, which kept its text.
    await page.keyboard.press('Shift+Tab');
    expect(await focused()).toBe('partenaire-nom');
    expect(await page.inputValue('#partenaire-nom')).toBe('Mission locale du Clavier');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('partenaire-siret');
    await page.keyboard.type('732 829 320 00074');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('partenaire-jwks');
    await page.keyboard.insertText(publicJwks);
    await page.keyboard.press('Tab');
    expect(await page.evaluate<string | null>('document.activeElement?.textContent ?? null')).toBe('Enregistrer le partenaire');
    await submitWithEnter();

    await page.waitForURL(/\/admin\/partenaires\/[0-9a-f-]{36}\?fait=enregistre$/);
    expect(await page.getByRole('heading', { name: 'Partenaire enregistré' }).count()).toBe(1);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Mission locale du Clavier');
    expect(await page.getByText('cle-clavier').count()).toBe(1);
    await expectNoAxeViolations(page);
  });

  it('suspension confirmation, then the suspended partner', async () => {
    const id = await partnerId('Mission locale du Clavier');
    await open(`/admin/partenaires/${id}/suspendre`);
    expect(await page.title()).toBe('Suspendre Mission locale du Clavier – Coffre');
    await expectNoAxeViolations(page);

    await page.getByRole('button', { name: 'Suspendre le partenaire' }).click();
    await page.waitForURL(`${vault.url}/admin/partenaires/${id}?fait=suspendu`);
    expect(await page.getByText('Suspendu', { exact: true }).count()).toBe(1);
    await expectNoAxeViolations(page);
  });

  it('reactivation confirmation', async () => {
    const id = await partnerId('Mission locale du Clavier');
    await open(`/admin/partenaires/${id}/reactiver`);
    await expectNoAxeViolations(page);
    await page.getByRole('button', { name: 'Réactiver le partenaire' }).click();
    await page.waitForURL(`${vault.url}/admin/partenaires/${id}?fait=reactive`);
  });

  it('pages fit 320 px wide', async () => {
    const id = await partnerId('Mission locale du Clavier');
    await page.setViewportSize({ width: 320, height: 800 });
    for (const pathname of ['/admin', '/admin/partenaires', '/admin/partenaires/nouveau', `/admin/partenaires/${id}`, `/admin/partenaires/${id}/suspendre`]) {
      await open(pathname);
      expect(await page.evaluate<number>('document.documentElement.scrollWidth'), pathname).toBeLessThanOrEqual(320);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('error page for an unknown partner', async () => {
    await open('/admin/partenaires/00000000-0000-4000-8000-000000000000', 404);
    await expectNoAxeViolations(page);
  });

  it('empty partner list', async () => {
    // The registry emptied as the database owner: no grant refers to these partners.
    await superuserQuery(vault, 'begin; delete from partner_keys; delete from partners; commit;');
    await open('/admin/partenaires');
    expect(await page.getByText('Aucun partenaire n\'est enregistré pour l\'instant.').count()).toBe(1);
    await expectNoAxeViolations(page);
  });
});
