import { createHash } from 'node:crypto';

const PERSON_REF_LABEL = 'coffre:partner-person-ref:v1';

/**
 * Returns the pseudonym of a person in a partner's view: the first 128
 * bits of SHA-256 over a fixed label, the partner id and the person id, as
 * 32 hex digits. It is stable for one (partner, person) pair, so a partner
 * can tell that two grants come from the same person, and it differs between
 * partners, so two partners cannot match their lists on it.
 *
 * It is not keyed: it stays unguessable because person ids are random UUIDs
 * that the partner API never returns. Anyone with a person id and a
 * partner id (the person, or the DPO reading the audit log) can recompute it.
 */
export function personRefFor(partnerId: string, personId: string): string {
  return createHash('sha256').update(`${PERSON_REF_LABEL}:${partnerId}:${personId}`, 'utf8').digest('hex').slice(0, 32);
}
