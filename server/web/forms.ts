import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';

import { constantTimeEqual } from '../../crypto/constant-time.js';
import type { AppContext } from '../context.js';
import { AppError } from '../errors/app-error.js';
import { currentSession } from '../identity/session.middleware.js';
import { html, type SafeHtml } from './html.js';

/**
 * Parses an `application/x-www-form-urlencoded` page form. A repeated field
 * (checkboxes) arrives as an array; read fields with `formValue` and
 * `formValues`, which accept only those shapes.
 */
export const parseForm: RequestHandler = express.urlencoded({ extended: false, limit: '32kb', parameterLimit: 500 });

/**
 * Checks that a page form comes from the vault's own page: the Origin, when
 * the browser sends one, must be the vault's, and the `_csrf` value must be
 * the session's CSRF token. Urlencoded forms carry `_csrf` in the body.
 * Multipart forms carry it in the action URL's query, because their body is
 * streamed to the upload service after this check. The request log records
 * the route template only, so the token does not reach the logs.
 * Without a session it passes, and the route's `requireSession` refuses.
 */
export function requireFormCsrf(ctx: AppContext): RequestHandler {
  const expectedOrigin = new URL(ctx.config.publicUrl).origin;
  return (req: Request, res: Response, next: NextFunction) => {
    const session = currentSession(res);
    if (!session) return next();

    // Under `Referrer-Policy: no-referrer` Chromium sends `Origin: null` with
    // a form, so only another real origin is rejected; the token below is
    // checked in every case.
    const origin = req.get('origin');
    if (origin !== undefined && origin !== 'null' && origin !== expectedOrigin) return next(new AppError('origin_mismatch'));

    const fromBody = typeof req.body?._csrf === 'string' ? (req.body._csrf as string) : undefined;
    const fromQuery = req.is('multipart/form-data') && typeof req.query._csrf === 'string' ? req.query._csrf : undefined;
    const offered = fromBody ?? fromQuery;
    if (!offered || !constantTimeEqual(offered, session.csrfToken)) return next(new AppError('csrf_failed'));
    next();
  };
}

/** Returns a single text field of a parsed form, or '' when it is absent or sent more than once. */
export function formValue(body: unknown, name: string): string {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
}

/** Returns every value of a repeated field (checkboxes), without duplicates. */
export function formValues(body: unknown, name: string): string[] {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return [...new Set(value.filter((item): item is string => typeof item === 'string'))];
  return [];
}

/** Renders the hidden CSRF field that every page form posting with a session carries. */
export function csrfField(csrfToken: string): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${csrfToken}">`;
}

/** One refused field: `fieldId` is the id of the input (or the group's first input) the message belongs to. */
export interface FieldError {
  fieldId: string;
  message: string;
}

/** Errors of a form by field id, in the order the form shows its fields. */
export type FormErrors = FieldError[];

/** Returns the message of a field, if it has one. */
export function errorFor(errors: FormErrors, fieldId: string): string | undefined {
  return errors.find((error) => error.fieldId === fieldId)?.message;
}

/**
 * Renders the DSFR error summary that opens a refused form: its title gives
 * the number of fields to fix, and each message links to its field. coffre.js
 * moves the focus here on load; without JavaScript the page title starts
 * with "Erreur" (see `PageOptions.hasErrors`).
 */
export function errorSummary(errors: FormErrors): SafeHtml {
  if (errors.length === 0) return html``;
  const count = errors.length === 1 ? 'Le formulaire contient 1 erreur' : `Le formulaire contient ${errors.length} erreurs`;
  return html`<div class="fr-alert fr-alert--error fr-mb-4w" role="alert" tabindex="-1" data-error-summary>
<h2 class="fr-alert__title">${count}</h2>
<ul>
${errors.map((error) => html`<li><a href="#${error.fieldId}">${error.message}</a></li>\n`)}</ul>
</div>`;
}

/** A text field (input or textarea) with its label, hint and error. */
export interface TextFieldOptions {
  id: string;
  name: string;
  label: string;
  hint?: string;
  value?: string;
  error?: string | undefined;
  type?: 'text' | 'number';
  multiline?: boolean;
  required?: boolean;
  autocomplete?: string;
  maxLength?: number;
}

/** Renders a DSFR input group; the error message sits under the field, tied by `aria-describedby`. */
export function textField(options: TextFieldOptions): SafeHtml {
  const messageId = `${options.id}-message`;
  const hintId = `${options.id}-hint`;
  const describedBy = [options.hint ? hintId : null, options.error ? messageId : null].filter(Boolean).join(' ');
  const attributes = html` id="${options.id}" name="${options.name}"${options.required ? html` required` : ''}${describedBy ? html` aria-describedby="${describedBy}"` : ''}${options.error ? html` aria-invalid="true"` : ''}${options.autocomplete ? html` autocomplete="${options.autocomplete}"` : ''}${options.maxLength ? html` maxlength="${options.maxLength}"` : ''}`;
  const control = options.multiline
    ? html`<textarea class="fr-input${options.error ? ' fr-input--error' : ''}" rows="4"${attributes}>${options.value ?? ''}</textarea>`
    : html`<input class="fr-input${options.error ? ' fr-input--error' : ''}" type="${options.type ?? 'text'}"${attributes} value="${options.value ?? ''}">`;
  return html`<div class="fr-input-group${options.error ? ' fr-input-group--error' : ''}">
<label class="fr-label" for="${options.id}">${options.label}${options.hint ? html`<span class="fr-hint-text" id="${hintId}">${options.hint}</span>` : ''}</label>
${control}
${options.error ? html`<p class="fr-error-text" id="${messageId}">${options.error}</p>` : ''}
</div>`;
}

/** One choice of a radio or checkbox group, or of a select. */
export interface Choice {
  value: string;
  label: string;
  hint?: string;
}

/** A group of radios or checkboxes in a fieldset, or a select. */
export interface ChoiceFieldOptions {
  /** Id of the group; inputs get `<id>-<index>`, and the first one is the target of the error summary's link. */
  id: string;
  name: string;
  legend: string;
  hint?: string;
  choices: readonly Choice[];
  /** Values to show as chosen. */
  selected: readonly string[];
  error?: string | undefined;
}

/** Id of the input that a group's error links to: its first choice. */
export function firstChoiceId(groupId: string): string {
  return `${groupId}-0`;
}

/**
 * Renders a DSFR fieldset of radios (`type: 'radio'`) or checkboxes. The
 * fieldset names its legend, hint and error through `aria-labelledby`, and
 * every input also points to the error through `aria-describedby`, so a
 * screen reader announces it on each choice.
 */
export function choiceFieldset(options: ChoiceFieldOptions & { type: 'radio' | 'checkbox' }): SafeHtml {
  const legendId = `${options.id}-legend`;
  const messageId = `${options.id}-message`;
  const kind = options.type === 'radio' ? 'fr-radio-group' : 'fr-checkbox-group';
  const inputs = options.choices.map((choice, index) => {
    const inputId = `${options.id}-${index}`;
    const checked = options.selected.includes(choice.value);
    return html`<div class="fr-fieldset__element"><div class="${kind}">
<input type="${options.type}" id="${inputId}" name="${options.name}" value="${choice.value}"${checked ? html` checked` : ''}${options.error ? html` aria-describedby="${messageId}"` : ''}>
<label class="fr-label" for="${inputId}">${choice.label}${choice.hint ? html`<span class="fr-hint-text">${choice.hint}</span>` : ''}</label>
</div></div>\n`;
  });
  return html`<fieldset class="fr-fieldset${options.error ? ' fr-fieldset--error' : ''}" id="${options.id}" aria-labelledby="${legendId}${options.error ? ` ${messageId}` : ''}">
<legend class="fr-fieldset__legend" id="${legendId}">${options.legend}${options.hint ? html`<span class="fr-hint-text">${options.hint}</span>` : ''}</legend>
${inputs}${options.error ? html`<div class="fr-messages-group" id="${messageId}"><p class="fr-message fr-message--error fr-error-text">${options.error}</p></div>` : ''}
</fieldset>`;
}

/** Renders a DSFR select with a first empty "Choisir…" option; its error is tied by `aria-describedby`. */
export function selectField(options: ChoiceFieldOptions): SafeHtml {
  const messageId = `${options.id}-message`;
  const hintId = `${options.id}-hint`;
  const describedBy = [options.hint ? hintId : null, options.error ? messageId : null].filter(Boolean).join(' ');
  return html`<div class="fr-select-group${options.error ? ' fr-select-group--error' : ''}">
<label class="fr-label" for="${options.id}">${options.legend}${options.hint ? html`<span class="fr-hint-text" id="${hintId}">${options.hint}</span>` : ''}</label>
<select class="fr-select${options.error ? ' fr-select--error' : ''}" id="${options.id}" name="${options.name}"${describedBy ? html` aria-describedby="${describedBy}"` : ''}${options.error ? html` aria-invalid="true"` : ''}>
<option value=""${options.selected.length === 0 ? html` selected` : ''}>Choisir dans la liste</option>
${options.choices.map((choice) => html`<option value="${choice.value}"${options.selected.includes(choice.value) ? html` selected` : ''}>${choice.label}</option>\n`)}</select>
${options.error ? html`<p class="fr-error-text" id="${messageId}">${options.error}</p>` : ''}
</div>`;
}
