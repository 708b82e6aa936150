/** Byte order mark that spreadsheet programs need to read a CSV file as UTF-8. */
export const UTF8_BOM = '\uFEFF';

// A cell that starts with one of these is run as a formula by spreadsheet
// programs, so it is prefixed with an apostrophe (CSV injection).
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Formats one CSV row (RFC 4180): fields separated by commas, quoted when
 * they contain a comma, a quote or a line break, and the row ended by CRLF.
 * Null is an empty field.
 */
export function csvRow(fields: ReadonlyArray<string | number | null>): string {
  return fields.map(csvField).join(',') + '\r\n';
}

function csvField(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
