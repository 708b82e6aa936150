import { createHash } from 'node:crypto';

import { z } from 'zod';

import { parseBody } from './request-body.js';

// Lengths are upper bounds against abuse; the policy checks the real limits
// (purpose text of 3 to 500 code points, known purposes and categories).
const rfc3339 = z.string().max(40).datetime({ offset: true });

const grantRequestSchema = z
  .object({
    partnerId: z.string().max(100),
    purpose: z.string().max(100),
    purposeText: z.string().max(2000).nullable().optional(),
    documentIds: z.array(z.string().max(100)).max(200).optional(),
    categories: z.array(z.string().max(100)).max(20).optional(),
    startsAt: rfc3339.nullable().optional(),
    endsAt: rfc3339.nullable().optional(),
    /** Version of the consent text the page showed; when given, it must be the current one. */
    consentVersion: z.string().max(40).optional(),
  })
  .strict();

/** A `POST /api/v1/grants` body, with absent values as null and lists without duplicates. */
export interface GrantRequest {
  partnerId: string;
  purpose: string;
  purposeText: string | null;
  documentIds: string[];
  categories: string[];
  startsAt: Date | null;
  endsAt: Date | null;
  consentVersion: string | null;
}

/** Validates the shape of a grant request; the policy decides everything else. */
export function parseGrantRequest(body: unknown): GrantRequest {
  const parsed = parseBody(grantRequestSchema, body);
  return {
    partnerId: parsed.partnerId,
    purpose: parsed.purpose,
    purposeText: parsed.purposeText ?? null,
    documentIds: [...new Set(parsed.documentIds ?? [])],
    categories: [...new Set(parsed.categories ?? [])],
    startsAt: parsed.startsAt ? new Date(parsed.startsAt) : null,
    endsAt: parsed.endsAt ? new Date(parsed.endsAt) : null,
    consentVersion: parsed.consentVersion ?? null,
  };
}

/**
 * Hashes a grant request for its Idempotency-Key. Two bodies that differ
 * only in the order of their lists, or in how a date is spelled, hash alike.
 */
export function hashGrantRequest(request: GrantRequest): Buffer {
  const canonical = JSON.stringify([
    request.partnerId.toLowerCase(),
    request.purpose,
    request.purposeText,
    [...request.documentIds].map((id) => id.toLowerCase()).sort(),
    [...request.categories].sort(),
    request.startsAt?.toISOString() ?? null,
    request.endsAt?.toISOString() ?? null,
    request.consentVersion,
  ]);
  return createHash('sha256').update(canonical, 'utf8').digest();
}
