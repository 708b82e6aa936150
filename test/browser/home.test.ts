import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startTestVault, type TestVault } from '../support/test-vault.js';
import { expectNoAxeViolations } from './support/axe.js';
import { launchBrowser, type TestBrowser } from './support/browser.js';
import { signInInBrowser } from './support/browser-sign-in.js';

describe('home page in Chromium', () => {
  let vault: TestVault;
  let browser: TestBrowser;

  beforeAll(async () => {
    vault = await startTestVault();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await vault?.destroy();
  });

  it('axe helper fails on an unlabelled field', async () => {
    const page = await browser.context.newPage();
    await page.setContent('<!DOCTYPE html><html lang="fr"><head><title>Essai</title></head><body><main><input type="text"></main></body></html>');
    await expect(expectNoAxeViolations(page)).rejects.toThrow(/label/);
    await page.close();
  });

  it('signed out: sign-in button, no axe violation', async () => {
    const page = await browser.context.newPage();
    const response = await page.goto(`${vault.url}/`);
    expect(response?.status()).toBe(200);
    expect(await page.title()).toBe('Accueil – Coffre');
    expect(await page.getAttribute('html', 'lang')).toBe('fr');
    await expect.poll(() => page.getByRole('link', { name: /S'identifier avec FranceConnect/ }).count()).toBe(1);
    await expectNoAxeViolations(page);
    await page.close();
  });

  it('session expiry warning in a live region', async () => {
    const page = await browser.context.newPage();
    await page.clock.install();
    await signInInBrowser(page, vault.url, 'dominique');
    await page.goto(`${vault.url}/documents`);
    const warning = page.locator('#session-warning');
    expect(await warning.getAttribute('aria-live')).toBe('polite');
    expect(await warning.textContent()).toBe('');

    // The idle limit is 30 minutes; the warning comes 5 minutes before it.
    await page.clock.fastForward('24:00');
    expect(await warning.textContent()).toBe('');
    await page.clock.fastForward('01:30');
    expect(await warning.textContent()).toMatch(/^Votre session se ferme à \d{2}:\d{2}\. Pour rester connecté/);
    await page.clock.fastForward('05:00');
    expect(await warning.textContent()).toBe('Votre session est fermée. Identifiez-vous à nouveau pour continuer.');
    await page.close();
  });

  it('signed in: navigation, expiry time, sign-out', async () => {
    const page = await browser.context.newPage();
    const scriptErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') scriptErrors.push(message.text());
    });
    await signInInBrowser(page, vault.url, 'camille');
    const navigation = page.getByRole('navigation', { name: 'Menu principal' });
    expect(await navigation.getByRole('link').allTextContents()).toEqual(['Mes documents', 'Partager', 'Mes partages', 'Demandes d\'accès', 'Historique des accès', 'Mon compte']);
    expect(await page.locator('#session-expiry').textContent()).toMatch(/Votre session se ferme à \d{2}:\d{2}/);
    await expectNoAxeViolations(page);
    // No inline script or style was blocked by the Content Security Policy.
    expect(scriptErrors.filter((text) => text.includes('Content Security Policy'))).toEqual([]);

    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.waitForLoadState('load');
    // The development provider offers to end its own session too.
    await page.getByRole('button', { name: 'Oui, me déconnecter' }).click();
    await page.waitForLoadState('load');
    expect(await page.getByRole('button', { name: 'Se déconnecter' }).count()).toBe(0);
    await page.goto(`${vault.url}/`);
    expect(await page.getByRole('link', { name: /S'identifier avec FranceConnect/ }).count()).toBe(1);
    await page.close();
  });
});
