import { Router } from 'express';

import type { AppContext } from '../context.js';
import type { Feature } from '../feature.js';
import { adminPaths } from './admin.paths.js';
import { buildComponents, SCHEMA_DIALECT, type JsonObject, type PathItems } from './components.js';
import { dpoPaths } from './dpo.paths.js';
import { oauthPaths } from './oauth.paths.js';
import { partnerPaths } from './partner.paths.js';
import { personPaths } from './person.paths.js';
import { rightsPaths } from './rights.paths.js';

export const OPENAPI_PATH = '/openapi.json';

const DESCRIPTION = [
  'Coffre is a personal vault for health and disability documents. A person stores documents encrypted under a key of their own, shares chosen documents with a partner organisation for a stated purpose and a limited time, sees every access and revokes a share at once. A DPO verifies the hash-chained audit log.',
  '',
  'Paths by audience: `/api/v1` for the signed-in person, `/partner/v1` for partner software, `/dpo/v1` for the data protection officer, `/admin/v1` for administrators, and `POST /oauth/token` for partner access tokens.',
  '',
  'Persons, DPO and administrators sign in at `GET /auth/login` (OpenID Connect) and then send the session cookie; unsafe methods also send the `csrfToken` of `GET /api/v1/me` in `X-CSRF-Token`. Partners get a Bearer access token at `POST /oauth/token` with a `private_key_jwt` client assertion.',
  '',
  'JSON bodies are camelCase, dates RFC 3339 UTC, ids random UUIDs. Lists are paginated by cursor (`limit` 1 to 200, default 50; `nextCursor` of the previous page). A repeated query parameter, and on listings an unknown one, is 400 `validation_failed`. Errors are RFC 9457 problem details with a stable `code`; `title` and `detail` are in French (for example « Introuvable », « Partage révoqué »), or in English with `Accept-Language: en`. Every response carries `X-Request-Id`. An id of another person\'s data is answered as not found, never as forbidden.',
].join('\n');

const TAGS = [
  { name: 'Person', description: 'The signed-in person: documents, grants (partages), sharing codes, access requests and access history.' },
  { name: 'Partner', description: 'Partner organisations\' software: grants made to them, shared documents, access requests (demandes d\'accès).' },
  { name: 'DPO', description: 'The data protection officer (délégué à la protection des données): audit log search, export and verification. Never documents.' },
  { name: 'Admin', description: 'Administrators: the partner registry. Never documents.' },
  { name: 'OAuth', description: 'Partner access tokens.' },
];

/**
 * Builds the OpenAPI 3.1 document of the vault's API. `publicUrl` is the
 * vault's own URL, used as the server and in the token URL.
 */
export function buildOpenApiDocument(publicUrl: string): JsonObject {
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: SCHEMA_DIALECT,
    info: {
      title: 'Coffre API',
      version: '1',
      summary: 'Personal vault for health and disability documents, shared with partners under consent and audited.',
      description: DESCRIPTION,
    },
    servers: [{ url: publicUrl }],
    tags: TAGS,
    paths: mergePaths([personPaths, rightsPaths, partnerPaths, dpoPaths, adminPaths, oauthPaths]),
    components: buildComponents(publicUrl),
  };
}

function mergePaths(groups: readonly PathItems[]): PathItems {
  const merged: PathItems = {};
  for (const group of groups) {
    // Groups may describe other methods of the same path, never the same one twice.
    for (const [path, item] of Object.entries(group)) {
      for (const method of Object.keys(item)) {
        if (merged[path]?.[method] !== undefined) throw new Error(`OpenAPI operation ${method.toUpperCase()} ${path} is described twice`);
      }
      merged[path] = { ...merged[path], ...item };
    }
  }
  return merged;
}

/**
 * Serves the OpenAPI document at `GET /openapi.json`, without authentication.
 * The document is built once, at start, from the configuration's public URL.
 */
export function createOpenApiFeature(ctx: AppContext): Feature {
  const body = JSON.stringify(buildOpenApiDocument(ctx.config.publicUrl));
  const router = Router();
  router.get(OPENAPI_PATH, (_req, res) => {
    res.status(200).type('application/json').set('Cache-Control', 'public, max-age=300').send(body);
  });
  return { routers: [router] };
}
