import type { JournalItem, JournalPage } from '../../dpo/audit-journal.service.js';
import { ACTION_LABELS } from '../../dpo/audit-labels.js';
import { escapeHtml } from '../../identity/html-page.js';
import { filterParameters, JOURNAL_FIELD_IDS, type JournalFormValues } from './journal-form.js';
import { formatParisTime } from './paris-time.js';
import { errorFor, errorSummaryHtml, selectHtml, textInputHtml, type FieldError, type SelectOption } from './staff-form-html.js';

/** Path of the DPO's journal page. */
export const JOURNAL_PAGE_PATH = '/dpo/journal';

/** Label of each actor type of the audit log. */
const ACTOR_TYPE_LABELS: Readonly<Record<string, string>> = {
  person: 'Personne',
  partner: 'Partenaire',
  dpo: 'Délégué à la protection des données',
  admin: 'Administration',
  system: 'Système',
  unknown: 'Inconnu',
};

/** Content of the journal page: the form as typed, its errors, and the page of entries when the search ran. */
export interface JournalView {
  values: JournalFormValues;
  errors: FieldError[];
  linkError: string | null;
  page: JournalPage | null;
  /** Partners of the filter's list, by id, for their names. */
  partners: ReadonlyMap<string, string>;
}

/**
 * Renders the content of the journal page: the filter form (a GET form, so
 * it works without JavaScript and a search can be bookmarked), then the
 * entries, newest first. Entries show ids and codes with their French
 * labels; they hold no document title, file name or content.
 */
export function journalPageHtml(view: JournalView): string {
  return [
    '<h1>Journal d\'audit</h1>',
    '<p>Le journal enregistre chaque décision sur des données personnelles, autorisée ou refusée. Votre recherche est elle-même enregistrée dans le journal.</p>',
    `<ul class="fr-links-group"><li><a class="fr-link" href="/dpo/export">Exporter le journal</a></li><li><a class="fr-link" href="/dpo/verification">Vérifier l'intégrité du journal</a></li></ul>`,
    errorSummaryHtml(view.errors),
    view.linkError === null ? '' : `<div class="fr-alert fr-alert--error fr-mb-4w" role="alert"><h2 class="fr-alert__title">Lien invalide</h2><p>${escapeHtml(view.linkError)}</p></div>`,
    filterFormHtml(view),
    resultsHtml(view),
  ].join('\n');
}

function filterFormHtml(view: JournalView): string {
  const { values, errors } = view;
  const partnerOptions: SelectOption[] = [{ value: '', label: 'Tous les partenaires' }];
  for (const [id, name] of view.partners) partnerOptions.push({ value: id, label: name });
  if (values.partnerId !== '' && !view.partners.has(values.partnerId)) partnerOptions.push({ value: values.partnerId, label: `Partenaire ${values.partnerId}` });

  const actionOptions: SelectOption[] = [{ value: '', label: 'Toutes les actions' }];
  for (const [code, label] of Object.entries(ACTION_LABELS).sort(([, a], [, b]) => a.fr.localeCompare(b.fr, 'fr'))) {
    actionOptions.push({ value: code, label: label.fr });
  }

  return [
    `<form method="get" action="${JOURNAL_PAGE_PATH}" aria-labelledby="titre-filtres">`,
    '<h2 id="titre-filtres">Filtrer les entrées</h2>',
    '<p class="fr-hint-text">Tous les champs sont facultatifs. Laissez un champ vide pour ne pas filtrer sur ce critère.</p>',
    textInputHtml({
      id: JOURNAL_FIELD_IDS.personId,
      name: 'personId',
      label: 'Personne concernée',
      hint: 'Identifiant de la personne, tel qu\'il apparaît dans le journal.',
      value: values.personId,
      error: errorFor(errors, JOURNAL_FIELD_IDS.personId),
      autocomplete: 'off',
      spellcheck: false,
    }),
    selectHtml({ id: JOURNAL_FIELD_IDS.partnerId, name: 'partnerId', label: 'Partenaire', value: values.partnerId, options: partnerOptions, error: errorFor(errors, JOURNAL_FIELD_IDS.partnerId) }),
    selectHtml({ id: JOURNAL_FIELD_IDS.action, name: 'action', label: 'Action', value: values.action, options: actionOptions, error: errorFor(errors, JOURNAL_FIELD_IDS.action) }),
    selectHtml({
      id: JOURNAL_FIELD_IDS.outcome,
      name: 'outcome',
      label: 'Résultat',
      value: values.outcome,
      options: [
        { value: '', label: 'Tous' },
        { value: 'allow', label: 'Autorisé' },
        { value: 'deny', label: 'Refusé' },
      ],
      error: errorFor(errors, JOURNAL_FIELD_IDS.outcome),
    }),
    textInputHtml({
      id: JOURNAL_FIELD_IDS.from,
      name: 'from',
      type: 'date',
      label: 'Du',
      hint: 'Premier jour inclus, heure de Paris. Format : jj/mm/aaaa.',
      value: values.from,
      error: errorFor(errors, JOURNAL_FIELD_IDS.from),
    }),
    textInputHtml({
      id: JOURNAL_FIELD_IDS.to,
      name: 'to',
      type: 'date',
      label: 'Au',
      hint: 'Dernier jour inclus, heure de Paris. Format : jj/mm/aaaa.',
      value: values.to,
      error: errorFor(errors, JOURNAL_FIELD_IDS.to),
    }),
    '<p class="coffre-actions">',
    '<button class="fr-btn" type="submit">Rechercher</button>',
    `<a class="fr-btn fr-btn--secondary" href="${JOURNAL_PAGE_PATH}">Effacer les filtres</a>`,
    '</p>',
    '</form>',
  ].join('\n');
}

function resultsHtml(view: JournalView): string {
  const heading = '<h2 id="titre-resultats">Entrées</h2>';
  if (view.page === null) return [heading, `<p>${view.linkError === null ? 'Corrigez les filtres pour afficher les entrées.' : 'Relancez la recherche pour afficher les entrées.'}</p>`].join('\n');
  if (view.page.items.length === 0) return [heading, '<p>Aucune entrée ne correspond à ces filtres.</p>'].join('\n');

  const rows = view.page.items.map((item) => rowHtml(item, view.partners));
  const parts = [
    heading,
    '<div class="fr-table coffre-table-wrapper" tabindex="0" role="region" aria-label="Entrées du journal, tableau défilant">',
    '<table>',
    `<caption>Entrées du journal, de la plus récente à la plus ancienne (${view.page.items.length} sur cette page)</caption>`,
    '<thead><tr><th scope="col">Chaîne et n°</th><th scope="col">Date et heure</th><th scope="col">Action</th><th scope="col">Résultat</th><th scope="col">Motif</th><th scope="col">Acteur</th><th scope="col">Personne concernée</th><th scope="col">Partenaire</th><th scope="col">Ressource</th></tr></thead>',
    `<tbody>${rows.join('\n')}</tbody>`,
    '</table>',
    '</div>',
  ];
  if (view.page.nextCursor !== null) {
    const next = filterParameters(view.values);
    next.set('cursor', view.page.nextCursor);
    parts.push(
      '<nav class="fr-pagination" aria-label="Pages du journal">',
      `<ul class="fr-pagination__list"><li><a class="fr-pagination__link fr-pagination__link--next fr-pagination__link--lg-label" href="${JOURNAL_PAGE_PATH}?${escapeHtml(next.toString())}">Entrées plus anciennes</a></li></ul>`,
      '</nav>',
    );
  }
  return parts.join('\n');
}

function rowHtml(item: JournalItem, partners: ReadonlyMap<string, string>): string {
  const outcome = item.outcome === 'allow' ? 'Autorisé' : 'Refusé';
  const actor = `${ACTOR_TYPE_LABELS[item.actorType] ?? item.actorType}${item.actorId ? ` ${item.actorId}` : ''}`;
  const partner = item.partnerId === null ? '—' : (partners.get(item.partnerId) ?? item.partnerId);
  const resource = item.resourceType === null ? '—' : `${item.resourceType}${item.resourceId ? ` ${item.resourceId}` : ''}`;
  const cells = [
    `${item.chain}-${item.seq}`,
    `<time datetime="${escapeHtml(item.time)}">${escapeHtml(formatParisTime(item.time))}</time>`,
    escapeHtml(item.actionLabel),
    outcome,
    escapeHtml(item.reasonLabel ?? '—'),
    escapeHtml(actor),
    escapeHtml(item.subjectId ?? '—'),
    escapeHtml(partner),
    escapeHtml(resource),
  ];
  return `<tr>${cells.map((cell) => `<td>${cell}</td>`).join('')}</tr>`;
}
