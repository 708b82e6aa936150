import { z } from 'zod';

import { AppError } from '../errors/app-error.js';
import { parseBody } from '../grants/request-body.js';
import { MESSAGE_MAX_LENGTH, normalizeMessage } from './access-request-message.js';

const partnerRequestSchema = z
  .object({
    sharingCode: z.string().max(40),
    purpose: z.string().max(100),
    purposeText: z.string().max(2000).nullable().optional(),
    categories: z.array(z.string().max(100)).max(20).optional(),
    message: z.string().max(4 * MESSAGE_MAX_LENGTH).nullable().optional(),
    requestedDurationDays: z.number().int().min(1).max(365).optional(),
  })
  .strict();

/** A partner's `POST /partner/v1/access-requests` body, with absent values as null. */
export interface PartnerAccessRequestBody {
  sharingCode: string;
  purpose: string;
  purposeText: string | null;
  categories: string[];
  message: string | null;
  requestedDurationDays: number | null;
}

/** Validates a partner's access request body; the policies decide code, purpose and categories. */
export function parsePartnerAccessRequest(body: unknown): PartnerAccessRequestBody {
  const parsed = parseBody(partnerRequestSchema, body);
  const message = normalizeMessage(parsed.message);
  if (message !== null && [...message].length > MESSAGE_MAX_LENGTH) {
    throw new AppError('validation_failed', {
      field: 'message',
      reason: `${MESSAGE_MAX_LENGTH} caractères au plus`,
      reasonEn: `at most ${MESSAGE_MAX_LENGTH} characters`,
    });
  }
  return {
    sharingCode: parsed.sharingCode,
    purpose: parsed.purpose,
    purposeText: parsed.purposeText ?? null,
    categories: [...new Set(parsed.categories ?? [])],
    message,
    requestedDurationDays: parsed.requestedDurationDays ?? null,
  };
}

const approvalSchema = z
  .object({
    endsAt: z.string().max(40).datetime({ offset: true }).nullable().optional(),
    documentIds: z.array(z.string().max(100)).max(200).optional(),
  })
  .strict();

/** A person's approval: an optional earlier end and optional documents beyond the requested categories. */
export interface ApprovalBody {
  endsAt: Date | null;
  documentIds: string[];
}

/** Validates a person's `POST /api/v1/access-requests/:id/approve` body. */
export function parseApproval(body: unknown): ApprovalBody {
  const parsed = parseBody(approvalSchema, body);
  return { endsAt: parsed.endsAt ? new Date(parsed.endsAt) : null, documentIds: [...new Set(parsed.documentIds ?? [])] };
}
