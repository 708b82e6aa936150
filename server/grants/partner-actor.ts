import type { Request, Response } from 'express';

import type { PartnerPrincipal } from '../partners/partner.types.js';
import type { AuditActor } from './audit-record.js';

/** The partner behind a route that `requirePartner` guards, with the audit actor. */
export interface PartnerActor {
  partnerId: string;
  requestId: string | null;
  sourceAddress: string | null;
  audit: AuditActor;
}

/**
 * Builds the actor of a partner route. Only the partner's id is taken from
 * the token's principal: its standing is read again from the database by
 * each decision, in the transaction that records it.
 */
export function partnerActor(req: Request, res: Response): PartnerActor {
  const principal = res.locals.partner as PartnerPrincipal | undefined;
  // requirePartner runs first on every partner route; reaching here without it is a bug.
  if (!principal) throw new Error('partner route reached without requirePartner');
  const requestId = typeof res.locals.requestId === 'string' ? res.locals.requestId : null;
  const sourceAddress = req.ip ?? req.socket.remoteAddress ?? null;
  return {
    partnerId: principal.id,
    requestId,
    sourceAddress,
    audit: { type: 'partner', id: principal.id, requestId, sourceAddress },
  };
}
