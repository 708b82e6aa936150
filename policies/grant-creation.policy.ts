import { deny, type Denial } from './decision.js';
import { resolveGrantWindow, type GrantWindow, type GrantWindowReason } from './grant-window.js';
import { runChecks, type Check } from './pipeline.js';
import { hasAcceptedPurposeTextLength, normalizePurposeText } from './purpose-text.js';
import { DOCUMENT_CATEGORIES, PURPOSES, type DocumentFacts, type PartnerFacts } from './types.js';

/** Reasons why a person may not create a grant as requested. */
export type GrantCreationReason =
  | 'partner_not_found'
  | 'partner_not_active'
  | 'document_not_found'
  | 'category_unknown'
  | 'scope_empty'
  | 'purpose_unknown'
  | 'purpose_text_required'
  | 'purpose_text_not_allowed'
  | GrantWindowReason;

/**
 * A person's request to share documents with a partner. `documents` are the
 * requested documents found by id, regardless of their owner, and
 * `missingDocumentIds` are the requested ids that match no document.
 * `categories` and `purpose` are the raw request values, checked here.
 */
export interface GrantCreationInput {
  person: { accountId: string };
  partner: PartnerFacts | null;
  documents: readonly DocumentFacts[];
  missingDocumentIds: readonly string[];
  categories: readonly string[];
  purpose: string;
  purposeText: string | null;
  startsAt: Date | null;
  endsAt: Date | null;
  now: Date;
}

/**
 * Result of decideGrantCreation. On allow it carries the values to store:
 * the window with its defaults filled in, and the purpose text trimmed and
 * NFC-normalized (null for a fixed purpose).
 */
export type GrantCreationDecision =
  | { effect: 'allow'; window: GrantWindow; purposeText: string | null }
  | Denial<GrantCreationReason>;

type CreationCheck = Check<GrantCreationInput, GrantCreationReason>;

const checkPartnerFound: CreationCheck = (input) => (input.partner === null ? deny('partner_not_found', 404) : null);

const checkPartnerActive: CreationCheck = (input) =>
  input.partner?.status === 'active' ? null : deny('partner_not_active', 422);

// A missing id and another person's document get the same denial, so ids reveal nothing.
const checkDocumentsFound: CreationCheck = (input) => {
  if (input.missingDocumentIds.length > 0) return deny('document_not_found', 404);
  const foreignOrDeleted = input.documents.some(
    (document) => document.ownerId !== input.person.accountId || document.deletedAt !== null,
  );
  return foreignOrDeleted ? deny('document_not_found', 404) : null;
};

const checkCategoriesKnown: CreationCheck = (input) => {
  const known: readonly string[] = DOCUMENT_CATEGORIES;
  return input.categories.every((category) => known.includes(category)) ? null : deny('category_unknown', 422);
};

const checkScopeNotEmpty: CreationCheck = (input) => {
  const requested = input.documents.length + input.missingDocumentIds.length + input.categories.length;
  return requested > 0 ? null : deny('scope_empty', 422);
};

const checkPurposeKnown: CreationCheck = (input) => {
  const known: readonly string[] = PURPOSES;
  return known.includes(input.purpose) ? null : deny('purpose_unknown', 422);
};

const checkPurposeTextRequired: CreationCheck = (input) => {
  if (input.purpose !== 'other') return null;
  const text = normalizePurposeText(input.purposeText);
  return text !== null && hasAcceptedPurposeTextLength(text) ? null : deny('purpose_text_required', 422);
};

const checkPurposeTextNotAllowed: CreationCheck = (input) => {
  if (input.purpose === 'other') return null;
  return normalizePurposeText(input.purposeText) === null ? null : deny('purpose_text_not_allowed', 422);
};

const GRANT_CREATION_CHECKS: readonly CreationCheck[] = [
  checkPartnerFound,
  checkPartnerActive,
  checkDocumentsFound,
  checkCategoriesKnown,
  checkScopeNotEmpty,
  checkPurposeKnown,
  checkPurposeTextRequired,
  checkPurposeTextNotAllowed,
];

/**
 * Decides whether a person may create a grant as requested and, on allow,
 * returns the values to store. Checks, first denial wins:
 * - `partner_not_found` (404): no registered partner with that id;
 * - `partner_not_active` (422): the partner is suspended;
 * - `document_not_found` (404): a requested id is missing, deleted or another person's;
 * - `category_unknown` (422): a category outside DOCUMENT_CATEGORIES;
 * - `scope_empty` (422): neither a document nor a category;
 * - `purpose_unknown` (422): a purpose outside PURPOSES;
 * - `purpose_text_required` (422): purpose `other` without a text of 3 to 500 code points;
 * - `purpose_text_not_allowed` (422): a text with a fixed purpose;
 * - then the window checks of resolveGrantWindow (`grant_window_invalid`,
 *   `grant_start_in_past`, `grant_too_long`, all 422).
 *
 * @example decideGrantCreation({ ...request, purpose: 'other', purposeText: null }) // deny, purpose_text_required, 422
 */
export function decideGrantCreation(input: GrantCreationInput): GrantCreationDecision {
  const decision = runChecks(input, GRANT_CREATION_CHECKS);
  if (decision.effect === 'deny') return decision;

  const resolution = resolveGrantWindow(input);
  if (resolution.effect === 'deny') return resolution;

  const purposeText = input.purpose === 'other' ? normalizePurposeText(input.purposeText) : null;
  return { effect: 'allow', window: resolution.window, purposeText };
}
