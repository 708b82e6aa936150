import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { superuserQuery, uploadSpecimen, waitFor } from '../documents/document-api.js';
import { signIn, type SignedIn } from '../support/sign-in.js';
import { startTestVault, type TestVault } from '../support/test-vault.js';
import { auditRows, createGrant, devPartner, partnerRequest, postJson, problemOf, setGrantWindow, tokenFor, type TestPartner } from './grant-api.js';

// Node rereads TZ when process.env.TZ is assigned. The vault runs in this
// process, so its clock comparisons run under a zone 14 hours from UTC.
const originalTimeZone = process.env.TZ;
process.env.TZ = 'Pacific/Kiritimati';

const HOUR_MS = 60 * 60 * 1000;

let vault: TestVault;
let camille: SignedIn;
let capEmploi: TestPartner;

beforeAll(async () => {
  vault = await startTestVault({ COFFRE_GRANT_EXPIRY_SWEEP_SECONDS: '1' });
  camille = await signIn(vault, 'camille');
  capEmploi = await devPartner(vault, 'cap-emploi-de-nulle-part');
  await uploadSpecimen(vault, camille, 'notification-rqth.pdf', 'decision_mdph');
});

afterAll(async () => {
  await vault?.destroy();
  if (originalTimeZone === undefined) delete process.env.TZ;
  else process.env.TZ = originalTimeZone;
});

const share = () => ({ partnerId: capEmploi.id, purpose: 'employment_support', categories: ['decision_mdph'] });

describe('expiry job', () => {
  it('records one grant.expire for a grant that ended', async () => {
    const ended = await createGrant(vault, camille, share());
    const revoked = await createGrant(vault, camille, share());
    const active = await createGrant(vault, camille, share());
    await postJson(vault, camille, `/api/v1/grants/${revoked.id}/revoke`).expect(200);
    for (const grant of [ended, revoked]) {
      await setGrantWindow(vault, grant.id, { startsAt: new Date(Date.now() - 2 * HOUR_MS), endsAt: new Date(Date.now() - HOUR_MS) });
    }

    const expiriesOf = async (grantId: string) => (await auditRows(vault, 'grant.expire')).filter((entry) => entry.grant_id === grantId);
    expect(await waitFor(async () => (await expiriesOf(ended.id)).length > 0, 5000)).toBe(true);
    // Several more sweeps run meanwhile; none may record the expiry again.
    await new Promise((resolve) => setTimeout(resolve, 2500));

    const entries = await expiriesOf(ended.id);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actor_type: 'system', actor_id: null, subject_id: camille.accountId, resource_id: ended.id, outcome: 'allow', partner_id: capEmploi.id });
    expect(await expiriesOf(revoked.id)).toEqual([]);
    expect(await expiriesOf(active.id)).toEqual([]);

    const [row] = await superuserQuery<{ expiry_recorded_at: Date | null }>(vault, 'select expiry_recorded_at from grants where id = $1', [ended.id]);
    expect(row!.expiry_recorded_at).toBeInstanceOf(Date);
  });
});

describe('expiry to the second', () => {
  it('serves a grant until its end, then refuses it with grant_expired', async () => {
    expect(new Date().getTimezoneOffset()).toBe(-14 * 60);
    const token = await tokenFor(vault, capEmploi);
    const endsAt = new Date(Date.now() + 2000);
    const grant = await createGrant(vault, camille, { ...share(), endsAt: endsAt.toISOString() });
    const path = `/partner/v1/grants/${grant.id}/documents`;

    await partnerRequest(vault, 'get', path, token).expect(200);

    const wait = endsAt.getTime() - Date.now() + 50;
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const refused = await partnerRequest(vault, 'get', path, token);
    expect(refused.status).toBe(403);
    expect(problemOf(refused.body as Buffer).code).toBe('grant_expired');
    expect((await auditRows(vault, 'partner.documents.list')).at(-1)).toMatchObject({ outcome: 'deny', reason: 'grant_expired', grant_id: grant.id });
  });
});
