import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import express, { Router } from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ERROR_CATALOG } from '../../server/errors/error-catalog.js';
import { buildOpenApiDocument } from '../../server/openapi/openapi.feature.js';
import { listRoutes, type ListedRoute } from '../../server/openapi/route-list.js';
import { uploadSpecimen } from '../documents/document-api.js';
import { createGrant, devPartner, getAsPerson, postJson, tokenFor } from '../grants/grant-api.js';
import { signIn, type SignedIn } from '../support/sign-in.js';
import { startTestVault, type TestVault } from '../support/test-vault.js';

// The served document is compared with the routes that the running vault's
// Express application declares, so a route added without its description
// (or a description left behind by a removed route) fails this file.

/** Path prefixes whose every route must be described. */
const DOCUMENTED_PREFIXES = ['/api/v1', '/partner/v1', '/dpo/v1', '/admin/v1', '/oauth'];
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

type OpenApiDocument = {
  openapi: string;
  paths: Record<string, Record<string, Record<string, any>>>;
  components: Record<string, any>;
};

let vault: TestVault;
let served: OpenApiDocument;

beforeAll(async () => {
  vault = await startTestVault();
  const response = await request(vault.url).get('/openapi.json').expect(200);
  served = response.body as OpenApiDocument;
});

afterAll(async () => {
  await vault?.destroy();
});

/** `GET /api/v1/documents/{id}`, from an Express route or a documented operation. */
function routeKey(method: string, path: string): string {
  return `${method.toUpperCase()} ${path}`;
}

/** Rewrites Express parameters (`:id`) as OpenAPI ones (`{id}`); anything else is kept, so it matches no documented path. */
function toOpenApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
}

function isUnderDocumentedPrefix(path: string): boolean {
  return DOCUMENTED_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`) || path.startsWith(`${prefix}.`));
}

function documentedKeys(document: OpenApiDocument): string[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((method) => HTTP_METHODS.includes(method))
      .map((method) => routeKey(method, path)),
  );
}

function exposedKeys(routes: readonly ListedRoute[]): string[] {
  return routes.map((route) => routeKey(route.method, toOpenApiPath(route.path)));
}

/**
 * Returns the exposed routes that the document does not describe: those
 * under a documented prefix, and those whose path the route walk could not
 * read (a regular expression), because their prefix is unknown.
 */
function undocumentedRoutes(routes: readonly ListedRoute[], document: OpenApiDocument): string[] {
  const documented = new Set(documentedKeys(document));
  const mustBeDocumented = routes.filter((route) => isUnderDocumentedPrefix(route.path) || route.path.startsWith('<'));
  return exposedKeys(mustBeDocumented).filter((key) => !documented.has(key));
}

describe('GET /openapi.json', () => {
  it('is served without authentication', async () => {
    const response = await request(vault.url).get('/openapi.json').expect(200);

    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.headers['cache-control']).toBe('public, max-age=300');
    expect(response.body.openapi).toBe('3.1.0');
    expect(response.body.servers).toEqual([{ url: vault.url }]);
  });

  it('validates as OpenAPI 3.1', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(served));

    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    // resolveRefs throws on a $ref that points nowhere.
    expect(() => validator.resolveRefs()).not.toThrow();
  });

  it('equals the built document', () => {
    expect(served).toEqual(buildOpenApiDocument(vault.url));
  });
});

describe('route coverage', () => {
  it('lists the vault\'s routes', () => {
    const keys = exposedKeys(listRoutes(vault.app));

    // One route of each audience, so an empty or broken walk cannot pass the checks below.
    expect(keys).toContain('GET /api/v1/documents/{id}/content');
    expect(keys).toContain('GET /partner/v1/grants/{grantId}/documents/{documentId}/content');
    expect(keys).toContain('GET /dpo/v1/audit/events');
    expect(keys).toContain('POST /admin/v1/partners/{id}/suspend');
    expect(keys).toContain('POST /oauth/token');
  });

  it('documents every exposed route', () => {
    expect(undocumentedRoutes(listRoutes(vault.app), served)).toEqual([]);
  });

  it('documents no route that does not exist', () => {
    const exposed = new Set(exposedKeys(listRoutes(vault.app)));
    const phantom = documentedKeys(served).filter((key) => !exposed.has(key));

    expect(phantom).toEqual([]);
  });

  it('flags a route added without description', () => {
    const extra = Router();
    extra.get('/api/v1/documents/:id/thumbnail', (_req, res) => res.end());
    extra.all('/partner/v1/grants', (_req, res) => res.end());
    const nested = Router();
    nested.post('/notes', (_req, res) => res.end());
    extra.use('/dpo/v1', nested);
    extra.get(/^\/admin\/v1\/secret$/, (_req, res) => res.end());
    const subApplication = express();
    subApplication.get('/keys', (_req, res) => res.end());
    const app = express();
    app.use(extra);
    app.use('/admin/v1/tools', subApplication);

    expect(undocumentedRoutes(listRoutes(app), served)).toEqual([
      'GET /api/v1/documents/{id}/thumbnail',
      'ALL /partner/v1/grants',
      'POST /dpo/v1/notes',
      'GET <regexp:^\\/admin\\/v1\\/secret$>',
      'ALL /admin/v1/tools/<express-app>',
    ]);
  });
});

describe('operations', () => {
  const operations = () =>
    Object.entries(served.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([method]) => HTTP_METHODS.includes(method))
        .map(([method, operation]) => ({ key: routeKey(method, path), path, operation })),
    );

  it('have unique operation ids', () => {
    const ids = operations().map(({ operation }) => operation.operationId as string);

    expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('declare each path parameter', () => {
    const mismatches: string[] = [];
    for (const { key, path, operation } of operations()) {
      const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]).sort();
      const declared = ((operation.parameters ?? []) as Array<{ in: string; name: string }>)
        .filter((parameter) => parameter.in === 'path')
        .map((parameter) => parameter.name)
        .sort();
      if (JSON.stringify(inPath) !== JSON.stringify(declared)) mismatches.push(key);
    }

    expect(mismatches).toEqual([]);
  });

  it('declare security and a success response', () => {
    const incomplete = operations()
      .filter(({ operation }) => !Array.isArray(operation.security) || !Object.keys(operation.responses).some((status) => status.startsWith('2')))
      .map(({ key }) => key);

    expect(incomplete).toEqual([]);
  });

  it('give problem errors the catalog status', () => {
    const wrong: string[] = [];
    for (const { key, operation } of operations()) {
      for (const [status, response] of Object.entries(operation.responses as Record<string, any>)) {
        const examples = response.content?.['application/problem+json']?.examples ?? {};
        for (const [code, example] of Object.entries(examples as Record<string, { value: { status: number } }>)) {
          const entry = ERROR_CATALOG[code as keyof typeof ERROR_CATALOG];
          if (!entry || String(entry.status) !== status || example.value.status !== entry.status) wrong.push(`${key} ${status} ${code}`);
        }
      }
    }

    expect(wrong).toEqual([]);
  });

  it('require a CSRF token on unsafe session routes', () => {
    const missing = operations()
      .filter(({ key }) => !key.startsWith('GET '))
      .filter(({ operation }) => (operation.security as Array<Record<string, unknown>>).some((requirement) => 'sessionCookie' in requirement && !('csrfToken' in requirement)))
      .map(({ key }) => key);

    expect(missing).toEqual([]);
  });
});

describe('schemas', () => {
  const SCHEMA_URI = 'urn:coffre:openapi:schema:';

  // Component schemas under JSON Schema 2020-12 in strict mode, so a typo in
  // a type or a required property fails. Each is registered by its own URI,
  // with `#/components/schemas/` refs pointing there. The OpenAPI 3.1 base
  // vocabulary adds four keywords that strict mode would otherwise reject.
  function compileComponents(): Ajv2020 {
    const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
    addFormats.default(ajv);
    ajv.addVocabulary(['discriminator', 'xml', 'externalDocs', 'example']);
    for (const [name, schema] of Object.entries(served.components.schemas as Record<string, object>)) {
      ajv.addSchema(withComponentRefs(schema), `${SCHEMA_URI}${name}`);
    }
    return ajv;
  }

  function withComponentRefs<T>(schema: T): T {
    return JSON.parse(JSON.stringify(schema).replaceAll('"#/components/schemas/', `"${SCHEMA_URI}`)) as T;
  }

  it('compile as JSON Schema 2020-12', () => {
    const ajv = compileComponents();
    for (const name of Object.keys(served.components.schemas)) {
      expect(() => ajv.getSchema(`${SCHEMA_URI}${name}`), name).not.toThrow();
    }
  });

  it('accept their own problem examples', () => {
    const validate = compileComponents().getSchema(`${SCHEMA_URI}Problem`)!;
    for (const item of Object.values(served.paths)) {
      for (const operation of Object.values(item)) {
        for (const response of Object.values(operation.responses as Record<string, any>)) {
          for (const example of Object.values((response.content?.['application/problem+json']?.examples ?? {}) as Record<string, { value: unknown }>)) {
            expect(validate(example.value), JSON.stringify(validate.errors)).toBe(true);
          }
        }
      }
    }
  });

  describe('real responses', () => {
    let ajv: Ajv2020;
    let camille: SignedIn;

    beforeAll(async () => {
      ajv = compileComponents();
      camille = await signIn(vault, 'camille');
    });

    /** Checks that the operation documents this status and content type, and that the body matches its schema. */
    function expectDocumented(method: string, path: string, response: request.Response): void {
      const operation = served.paths[path]?.[method];
      expect(operation, `${method} ${path} is documented`).toBeDefined();
      const documented = operation!.responses[String(response.status)];
      expect(documented, `${method} ${path} documents status ${response.status}`).toBeDefined();

      const mediaType = String(response.headers['content-type']).split(';')[0]!.trim();
      const content = documented.content?.[mediaType];
      expect(content, `${method} ${path} ${response.status} documents ${mediaType}`).toBeDefined();
      const validate = ajv.compile(withComponentRefs(content.schema));
      const valid = validate(response.body);
      expect(validate.errors ?? [], `${method} ${path} ${response.status}`).toEqual([]);
      expect(valid).toBe(true);
    }

    it('of the person API', async () => {
      expectDocumented('get', '/api/v1/me', await getAsPerson(vault, camille, '/api/v1/me'));
      expectDocumented('get', '/api/v1/consent-text', await request(vault.url).get('/api/v1/consent-text'));
      expectDocumented('get', '/api/v1/documents', await request(vault.url).get('/api/v1/documents'));

      const document = await uploadSpecimen(vault, camille, 'notification-rqth.pdf', 'decision_mdph');
      expectDocumented('get', '/api/v1/documents', await getAsPerson(vault, camille, '/api/v1/documents'));
      expectDocumented('get', '/api/v1/documents/{id}', await getAsPerson(vault, camille, `/api/v1/documents/${document.id}`));
      expectDocumented('get', '/api/v1/documents/{id}', await getAsPerson(vault, camille, '/api/v1/documents/00000000-0000-4000-8000-000000000000'));
      expectDocumented('get', '/api/v1/documents', await getAsPerson(vault, camille, '/api/v1/documents?limit=0'));
      expectDocumented('get', '/api/v1/partners', await getAsPerson(vault, camille, '/api/v1/partners'));
      expectDocumented('post', '/api/v1/sharing-codes', await postJson(vault, camille, '/api/v1/sharing-codes'));
      expectDocumented('get', '/api/v1/sharing-codes', await getAsPerson(vault, camille, '/api/v1/sharing-codes'));
      expectDocumented('get', '/api/v1/access-requests', await getAsPerson(vault, camille, '/api/v1/access-requests'));

      const partner = await devPartner(vault, 'cap-emploi-de-nulle-part');
      expectDocumented('post', '/api/v1/grants', await postJson(vault, camille, '/api/v1/grants', { partnerId: partner.id, purpose: 'employment_support', categories: ['decision_mdph'] }));
      expectDocumented('post', '/api/v1/grants', await postJson(vault, camille, '/api/v1/grants', { partnerId: partner.id, purpose: 'other', categories: ['decision_mdph'] }));
      expectDocumented('get', '/api/v1/grants', await getAsPerson(vault, camille, '/api/v1/grants'));
      expectDocumented('get', '/api/v1/access-history', await getAsPerson(vault, camille, '/api/v1/access-history'));
    });

    it('of the partner API and the token endpoint', async () => {
      const partner = await devPartner(vault, 'cfa-des-essais');
      const grant = await createGrant(vault, camille, { partnerId: partner.id, purpose: 'training_access', categories: ['decision_mdph'] });
      const token = await tokenFor(vault, partner);
      const asPartner = (path: string) => request(vault.url).get(path).set('Authorization', `Bearer ${token}`);

      expectDocumented('get', '/partner/v1/grants', await asPartner('/partner/v1/grants'));
      expectDocumented('get', '/partner/v1/grants/{grantId}/documents', await asPartner(`/partner/v1/grants/${grant.id}/documents`));
      expectDocumented('get', '/partner/v1/grants', await request(vault.url).get('/partner/v1/grants'));
      expectDocumented('post', '/oauth/token', await request(vault.url).post('/oauth/token').type('form').send({ grant_type: 'client_credentials' }));
    });

    it('of the DPO and administration APIs', async () => {
      const dpo = await signIn(vault, 'dpo');
      const admin = await signIn(vault, 'admin');

      expectDocumented('get', '/dpo/v1/audit/events', await getAsPerson(vault, dpo, '/dpo/v1/audit/events?limit=5'));
      expectDocumented('get', '/dpo/v1/audit/verification', await getAsPerson(vault, dpo, '/dpo/v1/audit/verification'));
      expectDocumented('get', '/dpo/v1/audit/events', await getAsPerson(vault, admin, '/dpo/v1/audit/events'));
      expectDocumented('get', '/.well-known/coffre/audit-keys', await request(vault.url).get('/.well-known/coffre/audit-keys'));
      expectDocumented('get', '/admin/v1/partners', await getAsPerson(vault, admin, '/admin/v1/partners'));
      expectDocumented('post', '/admin/v1/partners/{id}/suspend', await postJson(vault, admin, '/admin/v1/partners/00000000-0000-4000-8000-000000000000/suspend'));
    });
  });
});
