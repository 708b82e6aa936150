import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Location of the DSFR's built files on disk, and the URL prefix they are served under. */
export interface DsfrAssets {
  /** Folder of the package's `dist` files on disk. */
  distDir: string;
  /** URL prefix with the package version in it, e.g. `/dsfr/1.15.3`, so files can be cached for a year. */
  urlPrefix: string;
}

const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../node_modules/@gouvfr/dsfr');

let cached: DsfrAssets | null | undefined;

/**
 * Finds the installed `@gouvfr/dsfr` package. Returns null when it is not
 * installed, and pages then render with the vault's own small stylesheet only.
 * NOTE: @gouvfr/dsfr 1.15 refuses to install until its terms of use are
 * accepted (a `.dsfr.yml` file or DSFR_ACCEPT_LICENSE=1), and those terms
 * reserve the DSFR to French administrations; that decision belongs to the
 * project's owners, so the dependency is not in package.json yet.
 */
export function findDsfrAssets(): DsfrAssets | null {
  if (cached !== undefined) return cached;
  const distDir = path.join(PACKAGE_DIR, 'dist');
  if (!existsSync(path.join(distDir, 'dsfr.min.css'))) {
    cached = null;
    return cached;
  }
  const { version } = JSON.parse(readFileSync(path.join(PACKAGE_DIR, 'package.json'), 'utf8')) as { version: string };
  cached = { distDir, urlPrefix: `/dsfr/${encodeURIComponent(version)}` };
  return cached;
}
