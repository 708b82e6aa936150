import express from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { problemErrorHandler } from '../../server/errors/problem-response.js';
import { rateLimit } from '../../server/http/rate-limit.js';
import { startTestVault, type TestVault } from '../support/test-vault.js';

function limitedApp(windowMs: number, max: number): express.Express {
  const app = express();
  app.get('/limited', rateLimit({ windowMs, max, key: (req) => req.get('x-client') ?? 'none' }), (_req, res) => {
    res.json({ ok: true });
  });
  app.use(problemErrorHandler);
  return app;
}

describe('rateLimit', () => {
  it('refuses the request after max with 429 rate_limited', async () => {
    const app = limitedApp(60_000, 2);

    expect((await request(app).get('/limited').set('x-client', 'a')).status).toBe(200);
    expect((await request(app).get('/limited').set('x-client', 'a')).status).toBe(200);
    const refused = await request(app).get('/limited').set('x-client', 'a');

    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('rate_limited');
    expect(refused.body.title).toBe('Trop de tentatives');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
  });

  it('counts each key apart', async () => {
    const app = limitedApp(60_000, 1);

    expect((await request(app).get('/limited').set('x-client', 'a')).status).toBe(200);
    expect((await request(app).get('/limited').set('x-client', 'b')).status).toBe(200);
    expect((await request(app).get('/limited').set('x-client', 'a')).status).toBe(429);
  });

  it('allows requests again in the next window', async () => {
    const app = limitedApp(200, 1);

    expect((await request(app).get('/limited')).status).toBe(200);
    expect((await request(app).get('/limited')).status).toBe(429);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect((await request(app).get('/limited')).status).toBe(200);
  });

  it('rejects a limit below one request', () => {
    expect(() => rateLimit({ windowMs: 1000, max: 0, key: () => 'k' })).toThrow(RangeError);
    expect(() => rateLimit({ windowMs: 0, max: 1, key: () => 'k' })).toThrow(RangeError);
  });
});

describe('sign-in rate limit', () => {
  let vault: TestVault;

  beforeAll(async () => {
    vault = await startTestVault({ COFFRE_SIGN_IN_RATE_LIMIT_PER_MINUTE: '2' });
  });

  afterAll(async () => {
    await vault?.destroy();
  });

  it('limits /auth/login per address', async () => {
    const login = () => fetch(`${vault.url}/auth/login`, { redirect: 'manual' });

    expect((await login()).status).toBe(303);
    expect((await login()).status).toBe(303);
    const refused = await login();

    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { code: string }).code).toBe('rate_limited');
  });

  it('limits /auth/callback apart from /auth/login', async () => {
    const callback = () => fetch(`${vault.url}/auth/callback?state=x&code=y`, { redirect: 'manual', headers: { accept: 'application/json' } });

    expect((await callback()).status).toBe(400);
    expect((await callback()).status).toBe(400);
    expect((await callback()).status).toBe(429);
  });
});
