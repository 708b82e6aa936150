/**
 * `npm run screenshots`: starts a vault (the embedded default, or the
 * PostgreSQL of DATABASE_URL) and signs a fictional person in through
 * Debian's Chromium. When the person has no document yet, it adds a few
 * documents, a grant and two partner requests. Then it writes a PNG of each
 * person page at 1280 and 375 pixels wide into COFFRE_DATA_DIR/screenshots/.
 *
 * The vault listens on a free port of 127.0.0.1 (or PORT), so it can run
 * beside `npm start`, with which it shares the embedded database.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';

import type { Page } from 'playwright-core';

import { loadConfig } from '../../../server/config/config.js';
import { startVault } from '../../../server/vault.js';
import { freePort } from '../../support/free-port.js';
import { partnerToken, readDevPartner } from '../../support/partner-client.js';
import { launchBrowser } from '../support/browser.js';
import { signInInBrowser } from '../support/browser-sign-in.js';
import { captureStaffPages } from '../../web-staff/staff-screenshots.js';

const WIDTHS = [1280, 375] as const;
const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures');

const port = process.env.PORT ?? String(await freePort());
const config = loadConfig({ ...process.env, PORT: port, COFFRE_PUBLIC_URL: `http://127.0.0.1:${port}` });
const outputDir = path.join(config.dataDir, 'screenshots');
mkdirSync(outputDir, { recursive: true });

const vault = await startVault(config);
const browser = await launchBrowser();
const written: string[] = [];
try {
  const page = await browser.context.newPage();

  await capture(page, 'accueil-deconnecte', '/');
  await signInInBrowser(page, vault.url, 'camille');
  await seedWhenEmpty(page);

  await capture(page, 'accueil', '/');
  await capture(page, 'mes-documents', '/documents');
  await capture(page, 'ajouter-un-document', '/documents/ajouter');
  await capture(page, 'ajouter-un-document-erreurs', '/documents/ajouter', async () => {
    await submit(page, 'Ajouter ce document');
  });
  await capture(page, 'supprimer-un-document', '/documents', async () => {
    await follow(page, page.locator('a[href$="/supprimer"]').first());
  });
  await capture(page, 'partager', '/partager');
  await capture(page, 'partager-erreurs', '/partager', async () => {
    await submit(page, 'Vérifier le partage');
  });
  await capture(page, 'partager-confirmation', '/partager', async () => {
    await fillShareForm(page);
    await submit(page, 'Vérifier le partage');
  });
  await capture(page, 'mes-partages', '/partages');
  await capture(page, 'revoquer-un-partage', '/partages', async () => {
    await follow(page, page.locator('a[href$="/revoquer"]').first());
  });
  await capture(page, 'demandes-d-acces', '/demandes');
  await capture(page, 'accepter-une-demande', '/demandes', async () => {
    await follow(page, page.locator('a[href$="/accepter"]').first());
  });
  await capture(page, 'historique-des-acces', '/historique');
  await capture(page, 'mon-compte', '/compte');
  await capture(page, 'supprimer-mon-compte', '/compte/supprimer');

  // Then the DPO's and the administrator's pages, signed in as each in turn.
  await captureStaffPages(page, vault.url, capture);

  console.log(`${written.length} captures d'écran écrites dans ${outputDir}`);
} finally {
  await browser.close();
  await vault.stop();
}

/** Opens `pathname`, runs `prepare` (a form to submit, a link to follow), then captures the page at each width. */
async function capture(page: Page, name: string, pathname: string, prepare?: () => Promise<void>): Promise<void> {
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    const response = await page.goto(`${vault.url}${pathname}`);
    if (!response || response.status() >= 500) throw new Error(`GET ${pathname} answered ${response?.status()}`);
    await prepare?.();
    const file = path.join(outputDir, `${name}-${width}.png`);
    await page.screenshot({ path: file, fullPage: true });
    written.push(file);
  }
}

async function submit(page: Page, buttonName: string): Promise<void> {
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: buttonName }).click()]);
}

async function follow(page: Page, link: ReturnType<Page['locator']>): Promise<void> {
  await Promise.all([page.waitForEvent('load'), link.click()]);
}

async function fillShareForm(page: Page): Promise<void> {
  await page.locator('#partnerId').selectOption({ index: 1 });
  await page.locator('#purpose-0').check();
  await page.locator('#documentIds-0').check();
  await page.locator('#categories-1').check();
}

// Runs only on a person without documents, so repeated runs on the embedded
// default do not pile up data.
async function seedWhenEmpty(page: Page): Promise<void> {
  await page.goto(`${vault.url}/documents`);
  if ((await page.locator('a[href$="/supprimer"]').count()) > 0) return;

  const uploads = [['decision_mdph', 'Notification RQTH 2026', 'notification-rqth.pdf'], ['decision_mdph', 'Décision AAH', 'notification-aah.pdf'], ['medical', 'Certificat médical', 'certificat-medical-scan.jpg']];
  for (const [category, title, file] of uploads) {
    await page.goto(`${vault.url}/documents/ajouter`);
    await page.locator('#title').fill(title!);
    await page.locator('#category').selectOption(category!);
    await page.locator('#file').setInputFiles(path.join(FIXTURES, file!));
    await submit(page, 'Ajouter ce document');
  }

  await page.goto(`${vault.url}/partager`);
  await fillShareForm(page);
  await submit(page, 'Vérifier le partage');
  await submit(page, 'Je donne mon accord et je partage');

  await page.goto(`${vault.url}/demandes`);
  await submit(page, 'Créer un code de partage');
  const code = (await page.locator('.coffre-code').textContent())!.trim();
  const partner = await readDevPartner({ dataDir: config.dataDir }, 'cfa-des-essais');
  const token = await partnerToken(vault, partner);
  for (const purpose of ['training_access', 'rights_application']) {
    const response = await fetch(`${vault.url}/partner/v1/access-requests`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ sharingCode: code, purpose, categories: ['decision_mdph'], requestedDurationDays: 90, message: 'Bonjour, pour préparer votre dossier.' }),
    });
    if (response.status !== 201) throw new Error(`the partner's access request answered ${response.status}: ${await response.text()}`);
  }
}
