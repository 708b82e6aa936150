import type { Request, Response } from 'express';

import { decideOwnerDocumentCollectionAccess, type Decision } from '../../policies/index.js';
import { requestActor, type RequestActor } from '../documents/document-actor.js';
import { actorTypeFor } from '../identity/oidc/account-roles.js';
import type { AuditActor } from './audit-record.js';

/** The signed-in person behind a route that `requireSession` guards, with the audit actor. */
export interface PersonActor extends RequestActor {
  audit: AuditActor;
}

/** Builds the actor of a person's route. */
export function personActor(req: Request, res: Response): PersonActor {
  const actor = requestActor(req, res);
  return {
    ...actor,
    audit: { type: actorTypeFor(actor.roles), id: actor.accountId, requestId: actor.requestId, sourceAddress: actor.sourceAddress },
  };
}

/**
 * Decides whether the session may handle grants, sharing codes and access
 * requests at all: only a person may, because these name documents, and
 * staff never read documents or their metadata (`role_not_allowed`, 403).
 */
export function decidePersonSharing(actor: PersonActor): Decision<'role_not_allowed'> {
  return decideOwnerDocumentCollectionAccess({ actor: { accountId: actor.accountId, roles: actor.roles } });
}
