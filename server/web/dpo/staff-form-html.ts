import { escapeHtml } from '../../identity/html-page.js';
import { csrfField, errorSummary, type FieldError } from '../forms.js';

export { errorFor, type FieldError } from '../forms.js';

// The shared `textField` and `selectField` lack what the staff forms need
// (date inputs, input modes, a select whose empty choice means "all"), so
// these render the same DSFR markup with the same ids for hints and errors.

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

/** Renders the shared error summary as a string, for the staff pages' bodies. */
export function errorSummaryHtml(errors: readonly FieldError[]): string {
  return errorSummary([...errors]).value;
}

/** Renders the shared hidden CSRF field as a string. */
export function csrfFieldHtml(token: string): string {
  return csrfField(token).value;
}

/** Renders a labelled text input with its hint and error tied to it by aria-describedby. */
export function textInputHtml(field: FieldBase & { type?: 'text' | 'date'; autocomplete?: string; inputMode?: 'numeric'; spellcheck?: boolean }): string {
  const attributes = [
    `class="fr-input${field.error ? ' fr-input--error' : ''}"`,
    `type="${field.type ?? 'text'}"`,
    `id="${escapeHtml(field.id)}"`,
    `name="${escapeHtml(field.name)}"`,
    `value="${escapeHtml(field.value)}"`,
    field.autocomplete ? `autocomplete="${escapeHtml(field.autocomplete)}"` : '',
    field.inputMode ? `inputmode="${field.inputMode}"` : '',
    field.spellcheck === false ? 'spellcheck="false"' : '',
    describedBy(field),
    field.error ? 'aria-invalid="true"' : '',
  ].filter(Boolean);
  return group('fr-input-group', field, `<input ${attributes.join(' ')}>`);
}

/** Renders a labelled multi-line input, for pasted JSON. */
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

/** Renders a labelled select list with the option whose value equals `value` selected. */
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

function describedBy(field: FieldBase): string {
  const ids = [field.hint ? `${field.id}-hint` : '', field.error ? `${field.id}-message` : ''].filter(Boolean);
  return ids.length > 0 ? `aria-describedby="${escapeHtml(ids.join(' '))}"` : '';
}

function group(groupClass: string, field: FieldBase, control: string): string {
  const id = escapeHtml(field.id);
  return [
    `<div class="${groupClass}${field.error ? ` ${groupClass}--error` : ''}">`,
    `<label class="fr-label" for="${id}">${escapeHtml(field.label)}`,
    field.hint ? `<span class="fr-hint-text" id="${id}-hint">${escapeHtml(field.hint)}</span>` : '',
    '</label>',
    control,
    field.error ? `<p class="fr-error-text" id="${id}-message">${escapeHtml(field.error)}</p>` : '',
    '</div>',
  ].join('\n');
}
