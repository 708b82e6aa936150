import { DOCUMENT_CATEGORIES, type DocumentCategory } from '../../documents/document-category.js';
import type { DocumentView } from '../../documents/document.types.js';
import { MAX_TITLE_LENGTH } from '../../documents/upload-fields.js';
import { CATEGORY_LABELS } from '../../grants/purpose-labels.js';
import { successNotice } from '../components.js';
import { formatDay, formatSize } from '../dates.js';
import { errorFor, errorSummary, selectField, textField, type FormErrors } from '../forms.js';
import { html, type SafeHtml } from '../html.js';

const MEDIA_TYPE_LABELS: Record<string, string> = { 'application/pdf': 'PDF', 'image/jpeg': 'JPEG', 'image/png': 'PNG' };

/** Category choices in the order forms list them, with their French labels. */
export const CATEGORY_CHOICES = DOCUMENT_CATEGORIES.map((category) => ({ value: category, label: CATEGORY_LABELS[category].fr }));

/** Renders the "Mes documents" page: the person's documents grouped by category. */
export function documentListPage(documents: readonly DocumentView[], notice: string | undefined, truncated: boolean): SafeHtml {
  const byCategory = new Map<DocumentCategory, DocumentView[]>();
  for (const document of documents) byCategory.set(document.category, [...(byCategory.get(document.category) ?? []), document]);

  const sections = DOCUMENT_CATEGORIES.filter((category) => byCategory.has(category)).map(
    (category) => html`<h2>${CATEGORY_LABELS[category].fr}</h2>
<ul class="coffre-document-list">
${byCategory.get(category)!.map(documentItem)}</ul>`,
  );
  return html`<h1>Mes documents</h1>
${successNotice(notice)}
<p><a class="fr-btn" href="/documents/ajouter">Ajouter un document</a></p>
${documents.length === 0 ? html`<p>Vous n'avez encore aucun document dans votre coffre. Ajoutez votre premier document : une décision de la MDPH, un certificat médical ou un autre justificatif.</p>` : sections}
${truncated ? html`<p>Seuls vos 200 documents les plus récents sont affichés.</p>` : ''}`;
}

function documentItem(document: DocumentView): SafeHtml {
  const type = MEDIA_TYPE_LABELS[document.mediaType] ?? document.mediaType;
  return html`<li class="fr-card">
<h3 class="fr-card__title">${document.title}</h3>
<p>Ajouté le ${formatDay(document.createdAt)}</p>
<p class="coffre-actions">
<a class="fr-link fr-link--download" href="/api/v1/documents/${document.id}/content">Télécharger<span class="fr-sr-only"> ${document.title}</span> (${type}, ${formatSize(document.sizeBytes)})</a>
<a class="fr-link" href="/documents/${document.id}/supprimer">Supprimer<span class="fr-sr-only"> ${document.title}</span></a>
</p>
</li>\n`;
}

/** Values the add form shows again after a refusal; a file input cannot keep its file. */
export interface AddDocumentValues {
  category: string;
  title: string;
}

/**
 * Renders the add form. `multipart/form-data` fields arrive in the order of the
 * page. The upload service needs the category before the file, and stops at
 * the first invalid field, so the title comes first: an unchosen category
 * then still lets the typed title be shown again. The CSRF token is in the
 * action URL (see `requireFormCsrf`).
 */
export function addDocumentPage(csrfToken: string, values: AddDocumentValues, errors: FormErrors, maxMegabytes: number): SafeHtml {
  return html`<h1>Ajouter un document</h1>
${errorSummary(errors)}
<form method="post" action="/documents/ajouter?_csrf=${encodeURIComponent(csrfToken)}" enctype="multipart/form-data" novalidate>
${textField({ id: 'title', name: 'title', label: 'Titre (facultatif)', hint: `Par exemple : Notification RQTH 2026. Sans titre, le nom du fichier est utilisé. ${MAX_TITLE_LENGTH} caractères au plus.`, value: values.title, error: errorFor(errors, 'title'), maxLength: MAX_TITLE_LENGTH })}
${selectField({ id: 'category', name: 'category', legend: 'Catégorie du document', choices: CATEGORY_CHOICES, selected: values.category ? [values.category] : [], error: errorFor(errors, 'category') })}
<div class="fr-upload-group${errorFor(errors, 'file') ? ' fr-upload-group--error' : ''}">
<label class="fr-label" for="file">Fichier<span class="fr-hint-text" id="file-hint">Formats acceptés : PDF, JPEG ou PNG. Taille maximale : ${maxMegabytes} Mo.</span></label>
<input class="fr-upload" type="file" id="file" name="file" accept=".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png" aria-describedby="file-hint${errorFor(errors, 'file') ? ' file-message' : ''}"${errorFor(errors, 'file') ? html` aria-invalid="true"` : ''}>
${errorFor(errors, 'file') ? html`<p class="fr-error-text" id="file-message">${errorFor(errors, 'file')}</p>` : ''}
</div>
<p class="coffre-actions">
<button type="submit" class="fr-btn">Ajouter ce document</button>
<a class="fr-link" href="/documents">Annuler</a>
</p>
</form>`;
}

/** Renders the confirmation before a deletion, which names the document and states what follows. */
export function deleteDocumentPage(document: DocumentView, csrfToken: string): SafeHtml {
  return html`<h1>Supprimer le document « ${document.title} » ?</h1>
<p>Ce document sera effacé de votre coffre. Les partenaires avec qui vous l'avez partagé ne pourront plus le consulter.</p>
<p><strong>Cette suppression est définitive</strong> : le document ne pourra pas être récupéré.</p>
<form method="post" action="/documents/${document.id}/supprimer">
<input type="hidden" name="_csrf" value="${csrfToken}">
<p class="coffre-actions">
<button type="submit" class="fr-btn fr-btn--danger">Supprimer définitivement « ${document.title} »</button>
<a class="fr-link" href="/documents">Annuler et garder le document</a>
</p>
</form>`;
}
