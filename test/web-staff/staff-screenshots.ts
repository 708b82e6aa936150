import type { Locator, Page } from 'playwright-core';

/** Captures one page at each width, as `npm run screenshots` does: open `pathname`, run `prepare`, write the PNG. */
export type CapturePage = (page: Page, name: string, pathname: string, prepare?: () => Promise<void>) => Promise<void>;

/**
 * Captures the DPO's and the administrator's pages, each in the states that
 * matter (with data, with no result, with form errors), signing in as the
 * development provider's `dpo`, then `admin`. The browser's cookies are
 * cleared before each sign-in, so the provider offers its account list again.
 */
export async function captureStaffPages(page: Page, vaultUrl: string, capture: CapturePage): Promise<void> {
  await signInAs(page, vaultUrl, 'dpo');
  await capture(page, 'dpo-accueil', '/dpo');
  await capture(page, 'dpo-journal', '/dpo/journal');
  await capture(page, 'dpo-journal-vide', '/dpo/journal?action=audit.key_rotate');
  await capture(page, 'dpo-journal-erreurs', '/dpo/journal?personId=%21&from=31%2F02%2F2026');
  await capture(page, 'dpo-export', '/dpo/export');
  await capture(page, 'dpo-export-erreurs', '/dpo/export?chain=0&fromSeq=0');
  await capture(page, 'dpo-verification', '/dpo/verification');

  await signInAs(page, vaultUrl, 'admin');
  await capture(page, 'admin-accueil', '/admin');
  await capture(page, 'admin-partenaires', '/admin/partenaires');
  await capture(page, 'admin-partenaire', '/admin/partenaires', async () => {
    await follow(page, page.locator('tbody td:first-child a').first());
  });
  await capture(page, 'admin-suspendre-un-partenaire', '/admin/partenaires', async () => {
    await follow(page, page.locator('tbody a[href$="/suspendre"], tbody a[href$="/reactiver"]').first());
  });
  await capture(page, 'admin-enregistrer-un-partenaire', '/admin/partenaires/nouveau');
  await capture(page, 'admin-enregistrer-un-partenaire-erreurs', '/admin/partenaires/nouveau', async () => {
    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Enregistrer le partenaire' }).click()]);
  });
}

async function signInAs(page: Page, vaultUrl: string, account: 'dpo' | 'admin'): Promise<void> {
  await page.context().clearCookies();
  await page.goto(`${vaultUrl}/`);
  await page.getByRole('link', { name: /S'identifier avec/ }).click();
  await page.locator(`button[name="account"][value="${account}"]`).click();
  await page.waitForURL(`${vaultUrl}/`);
  await page.getByRole('button', { name: 'Se déconnecter' }).waitFor();
}

async function follow(page: Page, link: Locator): Promise<void> {
  await Promise.all([page.waitForEvent('load'), link.click()]);
}
