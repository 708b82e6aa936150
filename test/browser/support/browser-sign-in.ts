import type { Page } from 'playwright-core';

/**
 * Signs a fictional account in through the real pages: the home page's
 * button, the development provider's account list, back to the vault.
 * The context's cookies are cleared first, because the pages of one test
 * file share them and the provider would otherwise skip its account list.
 */
export async function signInInBrowser(page: Page, vaultUrl: string, account: 'camille' | 'dominique' | 'dpo' | 'admin'): Promise<void> {
  await page.context().clearCookies();
  await page.goto(`${vaultUrl}/`);
  await page.getByRole('link', { name: /S'identifier avec/ }).click();
  await page.locator(`button[name="account"][value="${account}"]`).click();
  await page.waitForURL(`${vaultUrl}/`);
  await page.getByRole('button', { name: 'Se déconnecter' }).waitFor();
}
