import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { SHARING_CODE_FAILURES_MAX } from '../../server/access-requests/sharing-code-failures.js';
import { auditRows, devPartner, partnerRequest, postJson, problemOf, tokenFor } from '../grants/grant-api.js';
import { signIn, type SignedIn } from '../support/sign-in.js';
import { startTestVault, type TestVault } from '../support/test-vault.js';

// A vault of its own: the failure counters live in the vault's memory and
// would leak into other tests of the same vault.

let vault: TestVault;
let camille: SignedIn;
let capToken: string;
let cfaToken: string;

beforeAll(async () => {
  vault = await startTestVault();
  camille = await signIn(vault, 'camille');
  capToken = await tokenFor(vault, await devPartner(vault, 'cap-emploi-de-nulle-part'));
  cfaToken = await tokenFor(vault, await devPartner(vault, 'cfa-des-essais'));
});

afterAll(async () => {
  await vault?.destroy();
});

function sendRequest(token: string, sharingCode: string) {
  return partnerRequest(vault, 'post', '/partner/v1/access-requests', token)
    .set('Content-Type', 'application/json')
    .send(JSON.stringify({ sharingCode, purpose: 'employment_support', categories: ['decision_mdph'] }));
}

describe('guessing sharing codes', () => {
  it(`stops after ${SHARING_CODE_FAILURES_MAX} wrong codes with 429 rate_limited`, async () => {
    for (let attempt = 0; attempt < SHARING_CODE_FAILURES_MAX; attempt += 1) {
      const response = await sendRequest(capToken, `ZZZZ-ZZZZ-Z${'23456789AB'[attempt]}`);
      expect(response.status).toBe(404);
    }

    const { code } = (await postJson(vault, camille, '/api/v1/sharing-codes').expect(201)).body as { code: string };
    const blocked = await sendRequest(capToken, code);
    expect(blocked.status).toBe(429);
    expect(problemOf(blocked.body as Buffer).code).toBe('rate_limited');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect((await auditRows(vault, 'access_request.create')).at(-1)).toMatchObject({ outcome: 'deny', reason: 'rate_limited' });
  });

  it('blocks another partner from the same address too', async () => {
    const response = await sendRequest(cfaToken, 'ZZZZ-ZZZZ-ZZ');
    expect(response.status).toBe(429);
  });

  it('leaves the other partner routes open', async () => {
    const response = await partnerRequest(vault, 'get', '/partner/v1/grants', capToken);
    expect(response.status).toBe(200);
  });
});
