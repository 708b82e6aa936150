/** Minimum length of a purpose text, in Unicode code points after trimming and NFC normalization. */
export const PURPOSE_TEXT_MIN_LENGTH = 3;

/** Maximum length of a purpose text, in Unicode code points after trimming and NFC normalization. */
export const PURPOSE_TEXT_MAX_LENGTH = 500;

/**
 * Returns the purpose text as it is checked and must be stored: trimmed and
 * NFC-normalized, or null when it is null, empty or only white space. Forms
 * send an empty field as an empty string, which counts as no text.
 */
export function normalizePurposeText(text: string | null): string | null {
  if (text === null) return null;
  const normalized = text.normalize('NFC').trim();
  return normalized === '' ? null : normalized;
}

/** Returns whether a normalized purpose text has an accepted length. */
export function hasAcceptedPurposeTextLength(normalized: string): boolean {
  const length = [...normalized].length;
  return length >= PURPOSE_TEXT_MIN_LENGTH && length <= PURPOSE_TEXT_MAX_LENGTH;
}
