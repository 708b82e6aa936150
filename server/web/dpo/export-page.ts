import { escapeHtml } from '../../identity/html-page.js';
import { EXPORT_FIELD_IDS, type ExportForm } from './export-form.js';
import { errorFor, errorSummaryHtml, textInputHtml } from './staff-form-html.js';

/** Path of the DPO's export page. */
export const EXPORT_PAGE_PATH = '/dpo/export';

/** Path of the export API that the page's links download from. */
const EXPORT_API_PATH = '/dpo/v1/audit/export';

/**
 * Renders the content of the export page: links to the whole journal, then
 * a GET form for a contiguous range of one chain, then one download link per
 * format to the export API, which records each download in the journal
 * before sending it.
 */
export function exportPageHtml(form: ExportForm, logIsEmpty: boolean): string {
  const parts = [
    '<h1>Exporter le journal d\'audit</h1>',
    '<p>Un export contient des entrées qui se suivent, avec leurs empreintes et les points de contrôle signés qui les couvrent : il se vérifie hors du coffre, avec les clés publiques publiées. Chaque téléchargement est enregistré dans le journal.</p>',
  ];
  if (logIsEmpty) {
    parts.push('<p>Le journal est vide : il n\'y a rien à exporter.</p>');
    return parts.join('\n');
  }

  const wholeLog = (format: 'jsonl' | 'csv') => `${EXPORT_API_PATH}?${new URLSearchParams({ format }).toString()}`;
  parts.push(
    '<h2>Tout le journal</h2>',
    '<ul>',
    `<li><a class="fr-link fr-link--download" href="${escapeHtml(wholeLog('jsonl'))}" download>Tout le journal, format JSON Lines, vérifiable <span class="fr-link__detail">JSONL, une section par chaîne</span></a></li>`,
    `<li><a class="fr-link fr-link--download" href="${escapeHtml(wholeLog('csv'))}" download>Tout le journal, format CSV, pour un tableur <span class="fr-link__detail">CSV, sans points de contrôle</span></a></li>`,
    '</ul>',
    '<h2 id="titre-plage">Une chaîne ou une partie de chaîne</h2>',
    '<p>Le journal est réparti en 32 chaînes, numérotées de 0 à 31. Toutes les entrées qui concernent une même personne sont dans la même chaîne, et la page Journal indique la chaîne et le numéro de chaque entrée.</p>',
    errorSummaryHtml(form.errors),
    `<form method="get" action="${EXPORT_PAGE_PATH}" aria-labelledby="titre-plage">`,
    textInputHtml({
      id: EXPORT_FIELD_IDS.chain,
      name: 'chain',
      label: 'Chaîne',
      hint: 'Un nombre de 0 à 31.',
      value: form.values.chain,
      error: errorFor(form.errors, EXPORT_FIELD_IDS.chain),
      inputMode: 'numeric',
      autocomplete: 'off',
    }),
    textInputHtml({
      id: EXPORT_FIELD_IDS.fromSeq,
      name: 'fromSeq',
      label: 'Du numéro',
      hint: 'Laissez vide pour commencer à la première entrée de la chaîne.',
      value: form.values.fromSeq,
      error: errorFor(form.errors, EXPORT_FIELD_IDS.fromSeq),
      inputMode: 'numeric',
      autocomplete: 'off',
    }),
    textInputHtml({
      id: EXPORT_FIELD_IDS.toSeq,
      name: 'toSeq',
      label: 'Au numéro',
      hint: form.headSeq === null ? 'Laissez vide pour aller jusqu\'à la dernière entrée de la chaîne.' : `Laissez vide pour aller jusqu'à la dernière entrée de la chaîne (n° ${form.headSeq}).`,
      value: form.values.toSeq,
      error: errorFor(form.errors, EXPORT_FIELD_IDS.toSeq),
      inputMode: 'numeric',
      autocomplete: 'off',
    }),
    '<button class="fr-btn" type="submit">Préparer l\'export</button>',
    '</form>',
  );

  if (form.range !== null) {
    const { chain, fromSeq, toSeq } = form.range;
    const link = (format: 'jsonl' | 'csv') => `${EXPORT_API_PATH}?${new URLSearchParams({ format, chain: String(chain), fromSeq: String(fromSeq), toSeq: String(toSeq) }).toString()}`;
    parts.push(
      '<h2>Télécharger</h2>',
      `<p>Chaîne ${chain}, entrées n° ${fromSeq} à ${toSeq}.</p>`,
      '<ul>',
      `<li><a class="fr-link fr-link--download" href="${escapeHtml(link('jsonl'))}" download>Format JSON Lines, vérifiable <span class="fr-link__detail">JSONL, entrées, empreintes et points de contrôle</span></a></li>`,
      `<li><a class="fr-link fr-link--download" href="${escapeHtml(link('csv'))}" download>Format CSV, pour un tableur <span class="fr-link__detail">CSV, entrées et empreintes, sans points de contrôle</span></a></li>`,
      '</ul>',
    );
  }
  return parts.join('\n');
}
