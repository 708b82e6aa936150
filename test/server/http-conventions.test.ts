import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startTestVault, type TestVault } from '../support/test-vault.js';

let vault: TestVault;

beforeAll(async () => {
  vault = await startTestVault();
});

afterAll(async () => {
  await vault?.destroy();
});

describe('health checks', () => {
  it('healthz answers ok', async () => {
    const response = await request(vault.url).get('/healthz');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok' });
  });

  it('readyz checks the database', async () => {
    const response = await request(vault.url).get('/readyz');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ready' });
  });
});

describe('problem details', () => {
  it('answers an unknown route in French by default', async () => {
    const response = await request(vault.url).get('/api/v1/nothing-here');

    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ code: 'not_found', status: 404, title: 'Introuvable' });
    expect(response.body.requestId).toBe(response.headers['x-request-id']);
    expect(response.body.detail).toMatch(/n'existe pas/);
  });

  it('answers in English when the client prefers it', async () => {
    const response = await request(vault.url).get('/api/v1/nothing-here').set('Accept-Language', 'en-GB,en;q=0.9');
    expect(response.body).toMatchObject({ code: 'not_found', title: 'Not found' });
  });

  it('answers 401 on a protected route without a session', async () => {
    const response = await request(vault.url).get('/api/v1/me');
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ code: 'unauthenticated', title: 'Connexion requise' });
  });

  it('keeps a well-formed request id from the client', async () => {
    const response = await request(vault.url).get('/healthz').set('X-Request-Id', 'abc-123-def-456');
    expect(response.headers['x-request-id']).toBe('abc-123-def-456');
  });

  // Regression: an id starting with "_" passed here but was rejected by the
  // audit log, which turned every audited request into a 503.
  it('replaces a request id that does not start with a letter or digit', async () => {
    const response = await request(vault.url).get('/healthz').set('X-Request-Id', '_abcdefgh');
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('replaces a malformed request id', async () => {
    const response = await request(vault.url).get('/healthz').set('X-Request-Id', 'bad id <script>');
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('security headers', () => {
  it('sets a strict content security policy and no referrer', async () => {
    const response = await request(vault.url).get('/healthz');
    const csp = response.headers['content-security-policy'];

    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    expect(response.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-powered-by']).toBeUndefined();
  });
});

describe('home page', () => {
  it('offers sign-in in French', async () => {
    const response = await request(vault.url).get('/');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.text).toContain('<html lang="fr">');
    expect(response.text).toContain('href="/auth/login"');
  });
});
