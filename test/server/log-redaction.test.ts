import { Writable } from 'node:stream';

import request from 'supertest';
import winston from 'winston';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { logger } from '../../server/logging/logger.js';
import { fixture, getBytes, postParts, uploadParts } from '../documents/document-api.js';
import { signIn, signInUntilCallback } from '../support/sign-in.js';
import { startTestVault, type TestVault } from '../support/test-vault.js';

// Runs the flows that handle secrets and document metadata with the
// application log at debug level, then searches every line for them.

const TITLE = 'Notification « RQTH » de Camille – titre à ne jamais journaliser';
const FILE_NAME = 'décision-rqth-ne-pas-journaliser.pdf';

let vault: TestVault;
const lines: string[] = [];
const capture = new winston.transports.Stream({
  stream: new Writable({
    write(chunk, _encoding, callback) {
      lines.push(String(chunk));
      callback();
    },
  }),
});
let previousLevel: string;

beforeAll(async () => {
  vault = await startTestVault();
  previousLevel = logger.level;
  logger.level = 'debug';
  logger.add(capture);
});

afterAll(async () => {
  logger.remove(capture);
  logger.level = previousLevel;
  await vault?.destroy();
});

describe('application log', () => {
  it('never contains titles, file names, tokens or cookies', async () => {
    const secrets: Array<{ label: string; value: string }> = [
      { label: 'title', value: TITLE },
      { label: 'file name', value: FILE_NAME },
      { label: 'file name stem', value: 'ne-pas-journaliser' },
    ];

    // A sign-in whose callback carries an authorization code and state.
    const { callbackUrl } = await signInUntilCallback(vault, 'camille');
    for (const parameter of ['code', 'state']) {
      const value = callbackUrl.searchParams.get(parameter);
      if (value) secrets.push({ label: `callback ${parameter}`, value });
    }

    const session = await signIn(vault, 'camille');
    secrets.push({ label: 'session cookie', value: session.cookie.split('=')[1]! });
    secrets.push({ label: 'CSRF token', value: session.csrfToken });

    const created = await postParts(vault, session, uploadParts({ category: 'decision_mdph', fileName: FILE_NAME, data: fixture('notification-rqth.pdf'), title: TITLE }));
    expect(created.status).toBe(201);

    const download = await getBytes(vault, session, `/api/v1/documents/${created.body.id}/content`);
    expect(download.status).toBe(200);

    const refused = await postParts(vault, session, uploadParts({ category: 'decision_mdph', fileName: FILE_NAME, data: fixture('refused/image.svg'), title: TITLE }));
    expect(refused.status).toBe(415);

    const forged = await request(vault.url).get('/api/v1/me').set('Cookie', 'coffre_session=forged-session-value-0123456789');
    expect(forged.status).toBe(401);
    secrets.push({ label: 'forged cookie', value: 'forged-session-value-0123456789' });

    const logout = await request(vault.url).post('/auth/logout').set('Cookie', session.cookie).set('X-CSRF-Token', session.csrfToken);
    expect(logout.status).toBeLessThan(400);

    const log = lines.join('\n');
    expect(lines.length).toBeGreaterThan(5);
    for (const secret of secrets) {
      expect(log.includes(secret.value), `the log contains the ${secret.label}`).toBe(false);
      expect(log.includes(encodeURIComponent(secret.value)), `the log contains the encoded ${secret.label}`).toBe(false);
    }
  });
});
