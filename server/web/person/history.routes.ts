import { Router } from 'express';

import type { HistoryItem } from '../../access-history/access-history-view.js';
import { readAccessHistory } from '../../access-history/access-history.service.js';
import type { AppContext } from '../../context.js';
import { decodeSeqCursor } from '../../dpo/audit-query.js';
import { personActor } from '../../grants/person-actor.js';
import { singleQueryValue } from '../../http/page-query.js';
import { requireSession } from '../../identity/session.middleware.js';
import { formatDayTime } from '../dates.js';
import { html, type SafeHtml } from '../html.js';
import { sendPage } from '../page-response.js';
import { badge } from '../components.js';

const EVENTS_PER_PAGE = 50;

/** "Historique des accès": who read what, when and for which purpose, refused attempts included, with a CSV download. */
export function historyPageRoutes(ctx: AppContext): Router {
  const router = Router();

  router.get('/historique', requireSession, async (req, res) => {
    const cursor = singleQueryValue(req.query as Record<string, unknown>, 'suite');
    const page = await readAccessHistory(ctx, personActor(req, res), { limit: EVENTS_PER_PAGE, ...(cursor ? { beforeSeq: decodeSeqCursor(cursor) } : {}) }, 'fr');
    sendPage(res, { title: cursor ? 'Historique des accès, événements plus anciens' : 'Historique des accès', main: historyPage(page.items, page.nextCursor, cursor !== undefined), currentPath: '/historique' });
  });

  return router;
}

function historyPage(items: readonly HistoryItem[], nextCursor: string | null, olderPage: boolean): SafeHtml {
  return html`<h1>Historique des accès</h1>
<p>Chaque fois qu'un partenaire consulte vos documents, ou essaie sans en avoir le droit, c'est noté ici. Vos propres partages y figurent aussi.</p>
<p><a class="fr-link fr-link--download" href="/api/v1/access-history.csv" download>Télécharger tout l'historique (fichier CSV, lisible avec un tableur)</a></p>
${items.length === 0 ? html`<p>${olderPage ? 'Aucun événement plus ancien.' : 'Aucun accès à vos documents pour le moment.'}</p>` : historyTable(items)}
${nextCursor ? html`<p><a class="fr-link" href="/historique?suite=${encodeURIComponent(nextCursor)}">Voir les événements plus anciens</a></p>` : ''}`;
}

function historyTable(items: readonly HistoryItem[]): SafeHtml {
  return html`<div class="fr-table coffre-table-wrapper"><table>
<caption>Accès à vos documents, du plus récent au plus ancien</caption>
<thead><tr><th scope="col">Date</th><th scope="col">Événement</th><th scope="col">Partenaire</th><th scope="col">Finalité</th><th scope="col">Document</th><th scope="col">Résultat</th></tr></thead>
<tbody>
${items.map(
  (item) => html`<tr><td>${formatDayTime(item.time)}</td><td>${item.label}</td><td>${item.partner?.name ?? '–'}</td><td>${item.purposeLabel ?? '–'}</td><td>${item.document ? (item.document.title ?? 'Document supprimé') : '–'}</td><td>${item.outcome === 'allow' ? badge('Autorisé', 'success') : html`${badge('Refusé', 'error')} ${item.reasonLabel ?? ''}`}</td></tr>\n`,
)}</tbody>
</table></div>`;
}
