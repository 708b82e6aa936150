/**
 * `npm run demo`: runs the story of Coffre against a running vault, through
 * its public interfaces only. People sign in through the development identity
 * provider, call the HTTP API, and partners use the partner client's logic
 * with the key files the vault seeded.
 *
 *   COFFRE_URL       address of the vault (default http://localhost:3000)
 *   COFFRE_DATA_DIR  the vault's data folder, for dev-partners/<slug>.json (default ./var)
 *
 * Prints each step in French with ✔ or ✘ per check, then a summary table.
 * Exits 0 only when every step passed. Each run creates its own documents and
 * grants and checks only those, so it can run again on the same vault.
 */
import path from 'node:path';

import { runScenario } from './scenario.js';
import { printSummary } from './step-report.js';

const baseUrl = process.env.COFFRE_URL ?? 'http://localhost:3000';
const dataDir = path.resolve(process.env.COFFRE_DATA_DIR ?? 'var');

console.log(`Démonstration de Coffre sur ${baseUrl}`);
console.log(`Clés des partenaires de démonstration : ${path.join(dataDir, 'dev-partners')}`);

if (await vaultIsReady(baseUrl)) {
  const outcomes = await runScenario({ baseUrl, dataDir });
  process.exitCode = printSummary(outcomes) ? 0 : 1;
} else {
  console.error(`\n✘ Le coffre ne répond pas sur ${baseUrl}. Démarrez-le dans un autre terminal avec « npm start », ou indiquez son adresse dans COFFRE_URL.`);
  process.exitCode = 1;
}

async function vaultIsReady(url: string): Promise<boolean> {
  try {
    const response = await fetch(new URL('/readyz', url));
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}
