import type { Request, Response } from 'express';

import type { OwnerActor } from '../../policies/index.js';
import { sessionOf } from '../identity/session.middleware.js';
import type { Role } from '../identity/session.types.js';

/** The signed-in person behind a request, with what the audit log records about the request. */
export interface RequestActor extends OwnerActor {
  roles: readonly Role[];
  requestId: string | null;
  /** Client address as Express reports it in `req.ip`, which follows the app's `trust proxy` setting. */
  sourceAddress: string | null;
}

/** Builds the actor of a route that `requireSession` guards. */
export function requestActor(req: Request, res: Response): RequestActor {
  const session = sessionOf(res);
  return {
    accountId: session.accountId,
    roles: session.roles,
    requestId: typeof res.locals.requestId === 'string' ? res.locals.requestId : null,
    sourceAddress: req.ip ?? null,
  };
}
