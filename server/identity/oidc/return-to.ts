const MAX_RETURN_TO_LENGTH = 1000;

/**
 * Validates the `returnTo` of /auth/login: a path of the vault itself, such as
 * `/documents?page=2`. Returns '/' when it is absent and null when it is not acceptable:
 * not one string, too long, with a backslash or control character, protocol-relative
 * (`//host`), or resolving to another origin.
 */
export function parseReturnTo(value: unknown, publicUrl: string): string | null {
  if (value === undefined || value === '') return '/';
  if (typeof value !== 'string' || value.length > MAX_RETURN_TO_LENGTH) return null;
  // Browsers read '\' as '/', so '/\host' would leave the site; control characters are
  // stripped by the URL parser and could hide the same trick.
  if (!value.startsWith('/') || value.startsWith('//') || /[\\\u0000-\u001f\u007f]/.test(value)) return null;

  const base = new URL(publicUrl);
  const resolved = new URL(value, base);
  if (resolved.origin !== base.origin) return null;
  return `${resolved.pathname}${resolved.search}${resolved.hash}`;
}
