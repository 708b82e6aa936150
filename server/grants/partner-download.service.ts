import { openMetadata, unwrapDocumentKey } from '../../crypto/index.js';
import { decidePartnerDocumentRead } from '../../policies/index.js';
import type { AppContext } from '../context.js';
import type { Download } from '../documents/download.service.js';
import { findDocument } from '../documents/document.repository.js';
import { loadUserKey } from '../identity/account.repository.js';
import { recordAudit } from './audit-record.js';
import { allowed, denialError, denied, settle } from './decision-outcome.js';
import { findGrant } from './grant.repository.js';
import type { PartnerActor } from './partner-actor.js';
import { findPartner } from './partner-directory.repository.js';
import { parseUuid } from './uuid.js';

/**
 * Authorizes a partner's download of one document through one of its
 * grants. Partner, grant and document are read in one transaction, the
 * decision comes from decidePartnerDocumentRead, and the audit entry,
 * allowed or denied, commits before this returns, so no byte leaves the
 * server without its record. The caller streams the content with the
 * documents module and zeroes the key afterwards.
 */
export async function authorizePartnerDownload(ctx: AppContext, actor: PartnerActor, rawGrantId: string, rawDocumentId: string): Promise<Download> {
  const grantId = parseUuid(rawGrantId);
  const documentId = parseUuid(rawDocumentId);
  const outcome = await ctx.db.transaction().execute(async (trx) => {
    const now = new Date();
    const partner = await findPartner(trx, actor.partnerId);
    const grant = grantId ? await findGrant(trx, grantId) : undefined;
    const document = documentId ? await findDocument(trx, documentId) : undefined;
    const decision = decidePartnerDocumentRead({
      partner: partner ?? null,
      grant: grant ?? null,
      document: document ? { id: document.id, ownerId: document.ownerId, category: document.category, deletedAt: null } : null,
      now,
    });
    const event = {
      action: 'partner.document.download',
      resourceType: 'document' as const,
      resourceId: document?.id ?? documentId,
      subjectId: grant?.personId ?? null,
      partnerId: actor.partnerId,
      grantId: grant?.id ?? grantId,
    };
    if (decision.effect === 'deny' || !grant || !document) {
      const reason = decision.effect === 'deny' ? decision.reason : 'document_not_found';
      await recordAudit(trx, actor.audit, { ...event, outcome: 'deny', reason });
      return denied<Download>(denialError(reason));
    }

    // WARNING: the person's user key opens all of their documents; it is
    // used here only for the one document the policy allowed.
    const userKey = await loadUserKey(trx, ctx.keys, grant.personId);
    let documentKey: Uint8Array | undefined;
    try {
      documentKey = await unwrapDocumentKey(userKey, document.wrappedKey, document.id);
      const fileName = await openMetadata(documentKey, document.id, 'fileName', document.fileNameSealed);
      await recordAudit(trx, actor.audit, { ...event, outcome: 'allow', reason: null });
      return allowed<Download>({ document, fileName, documentKey });
    } catch (error) {
      documentKey?.fill(0);
      throw error;
    } finally {
      userKey.fill(0);
    }
  });
  return settle(outcome);
}
