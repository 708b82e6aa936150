import { escapeHtml } from '../../identity/html-page.js';

/** One error of a submitted form: the id of the field it concerns (null for the whole form) and a French message that says how to fix it. */
export interface FieldError {
  field: string | null;
  message: string;
}

/** An option of a select list. */
export interface SelectOption {
  value: string;
  label: string;
}

interface FieldBase {
  /** Element id, also the target of the error summary's link. */
  id: string;
  name: string;
  label: string;
  hint?: string;
  value: string;
  error?: string | undefined;
}

/**
 * Lists a form's errors at its top, each linked to its field, so a screen
 * reader user hears them all and can jump to each one.
 */
export function errorSummaryHtml(errors: readonly FieldError[], heading = 'Le formulaire contient des erreurs'): string {
  if (errors.length === 0) return '';
  const items = errors.map((error) =>
    error.field === null ? `<li>${escapeHtml(error.message)}</li>` : `<li><a href="#${escapeHtml(error.field)}">${escapeHtml(error.message)}</a></li>`,
  );
  return [
    '<div class="fr-alert fr-alert--error fr-mb-4w" role="alert" id="resume-erreurs">',
    `<h2 class="fr-alert__title">${escapeHtml(heading)}</h2>`,
    `<ul>${items.join('')}</ul>`,
    '</div>',
  ].join('\n');
}

/** Hidden field carrying the session's CSRF token, which `requireCsrf` checks. */
export function csrfFieldHtml(token: string): string {
  return `<input type="hidden" name="_csrf" value="${escapeHtml(token)}">`;
}

/** A labelled text input with its hint and error tied to it by aria-describedby. */
export function textInputHtml(field: FieldBase & { type?: string; autocomplete?: string; inputMode?: string; spellcheck?: boolean }): string {
  const attributes = [
    `class="fr-input${field.error ? ' fr-input--error' : ''}"`,
    `type="${field.type ?? 'text'}"`,
    `id="${escapeHtml(field.id)}"`,
    `name="${escapeHtml(field.name)}"`,
    `value="${escapeHtml(field.value)}"`,
    field.autocomplete ? `autocomplete="${field.autocomplete}"` : '',
    field.inputMode ? `inputmode="${field.inputMode}"` : '',
    field.spellcheck === false ? 'spellcheck="false"' : '',
    describedBy(field),
    field.error ? 'aria-invalid="true"' : '',
  ].filter(Boolean);
  return group('fr-input-group', field, `<input ${attributes.join(' ')}>`);
}

/** A labelled multi-line input, for pasted JSON. */
export function textareaHtml(field: FieldBase & { rows?: number }): string {
  const attributes = [
    `class="fr-input${field.error ? ' fr-input--error' : ''}"`,
    `id="${escapeHtml(field.id)}"`,
    `name="${escapeHtml(field.name)}"`,
    `rows="${field.rows ?? 8}"`,
    'spellcheck="false"',
    describedBy(field),
    field.error ? 'aria-invalid="true"' : '',
  ].filter(Boolean);
  return group('fr-input-group', field, `<textarea ${attributes.join(' ')}>${escapeHtml(field.value)}</textarea>`);
}

/** A labelled select list; the option whose value equals `value` is selected. */
export function selectHtml(field: FieldBase & { options: readonly SelectOption[] }): string {
  const options = field.options.map(
    (option) => `<option value="${escapeHtml(option.value)}"${option.value === field.value ? ' selected' : ''}>${escapeHtml(option.label)}</option>`,
  );
  const attributes = [
    `class="fr-select${field.error ? ' fr-select--error' : ''}"`,
    `id="${escapeHtml(field.id)}"`,
    `name="${escapeHtml(field.name)}"`,
    describedBy(field),
    field.error ? 'aria-invalid="true"' : '',
  ].filter(Boolean);
  return group('fr-select-group', field, `<select ${attributes.join(' ')}>${options.join('')}</select>`);
}

/** Returns the error of `field` among `errors`, if any. */
export function errorFor(errors: readonly FieldError[], field: string): string | undefined {
  return errors.find((error) => error.field === field)?.message;
}

/** Prefixes a page title with « Erreur » when its form has errors, so the tab and the screen reader announce them first. */
export function titleWithErrors(title: string, errors: readonly FieldError[]): string {
  return errors.length > 0 ? `Erreur : ${title}` : title;
}

function describedBy(field: FieldBase): string {
  const ids = [field.hint ? `${field.id}-aide` : '', field.error ? `${field.id}-erreur` : ''].filter(Boolean);
  return ids.length > 0 ? `aria-describedby="${escapeHtml(ids.join(' '))}"` : '';
}

function group(groupClass: string, field: FieldBase, control: string): string {
  const id = escapeHtml(field.id);
  return [
    `<div class="${groupClass}${field.error ? ` ${groupClass}--error` : ''}">`,
    `<label class="fr-label" for="${id}">${escapeHtml(field.label)}`,
    field.hint ? `<span class="fr-hint-text" id="${id}-aide">${escapeHtml(field.hint)}</span>` : '',
    '</label>',
    control,
    field.error ? `<p class="fr-error-text" id="${id}-erreur">${escapeHtml(field.error)}</p>` : '',
    '</div>',
  ].join('\n');
}
