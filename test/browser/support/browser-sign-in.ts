import type { Page } from 'playwright-core';

/**
 * Signs a fictional account in through the real pages: the home page's
 * button, the development provider's account list, back to the vault.
 */
export async function signInInBrowser(page: Page, vaultUrl: string, account: 'camille' | 'dominique' | 'dpo' | 'admin'): Promise<void> {
  await page.goto(`${vaultUrl}/`);
  await page.getByRole('link', { name: /S'identifier avec/ }).click();
  await page.locator(`button[name="account"][value="${account}"]`).click();
  await page.waitForURL(`${vaultUrl}/`);
  await page.getByRole('button', { name: 'Se déconnecter' }).waitFor();
}
