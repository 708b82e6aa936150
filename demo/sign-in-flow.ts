// Signs a fictional account in through the real flow, over HTTP: the vault's
// /auth/login, the development provider's sign-in page, the vault's /auth/callback.
// Redirects are followed by hand so that every cookie and hop is visible.
// `npm run demo` and the tests (through test/support/sign-in.ts) share this module.

export type DevAccountId = 'camille' | 'dominique' | 'dpo' | 'admin';

export interface SignedIn {
  /** Value for a Cookie header, e.g. `coffre_session=...`. */
  cookie: string;
  csrfToken: string;
  accountId: string;
}

export interface SignInOptions {
  /** Path to come back to after sign-in, sent as /auth/login?returnTo=. */
  returnTo?: string;
}

const MAX_REDIRECTS = 10;

/** Cookies by name, as a browser would keep them for one origin (paths are ignored). */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  /** Applies every Set-Cookie of a response, including deletions. */
  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const separator = pair.indexOf('=');
      if (separator <= 0) continue;
      const name = pair.slice(0, separator).trim();
      const value = pair.slice(separator + 1).trim();
      const expired = attributes.some((attribute) => /^\s*(max-age=0|expires=thu, 01 jan 1970)/i.test(attribute));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  get(name: string): string | undefined {
    return this.cookies.get(name);
  }

  set(name: string, value: string): void {
    this.cookies.set(name, value);
  }

  delete(name: string): void {
    this.cookies.delete(name);
  }

  /** Builds the Cookie header for the next request. */
  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

/** Fetches with the jar's cookies and no automatic redirect, then stores the response's cookies. */
export async function fetchWithJar(url: string | URL, jar: CookieJar, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const cookie = jar.header();
  if (cookie) headers.set('cookie', cookie);
  const response = await fetch(url, { ...init, headers, redirect: 'manual' });
  jar.store(response);
  return response;
}

/**
 * Runs the flow up to the provider's redirect back to the vault, and returns that
 * callback URL without calling it, with the browser's cookies (including the vault's
 * sign-in transaction cookie). Tests of the callback tamper with either before calling it.
 */
export async function signInUntilCallback(
  vault: { url: string },
  account: DevAccountId | 'cancel',
  options: SignInOptions = {},
): Promise<{ callbackUrl: URL; jar: CookieJar }> {
  const jar = new CookieJar();
  const login = new URL('/auth/login', vault.url);
  if (options.returnTo !== undefined) login.searchParams.set('returnTo', options.returnTo);

  let response = await fetchWithJar(login, jar);
  let url = nextLocation(login, response, 'GET /auth/login');
  // Authorization endpoint, then the interaction page.
  for (let hop = 0; !url.pathname.startsWith('/dev-idp/interaction/'); hop += 1) {
    if (hop > MAX_REDIRECTS) throw new Error(`no sign-in page after ${MAX_REDIRECTS} redirects, last at ${url.pathname}`);
    response = await fetchWithJar(url, jar);
    url = nextLocation(url, response, `GET ${url.pathname}`);
  }

  const page = await fetchWithJar(url, jar);
  const html = await page.text();
  if (page.status !== 200) throw new Error(`sign-in page returned status ${page.status}: ${html.slice(0, 300)}`);
  const actions = [...html.matchAll(/<form method="post" action="([^"]+)"/g)].map((match) => match[1]!.replaceAll('&amp;', '&'));
  const [signInAction, cancelAction] = actions;
  if (!signInAction || !cancelAction) throw new Error('the sign-in page has no sign-in and cancel forms');

  const body = account === 'cancel' ? '' : new URLSearchParams({ account }).toString();
  response = await fetchWithJar(new URL(account === 'cancel' ? cancelAction : signInAction, url), jar, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  url = nextLocation(url, response, 'POST sign-in form');
  for (let hop = 0; url.pathname !== '/auth/callback'; hop += 1) {
    if (hop > MAX_REDIRECTS) throw new Error(`no redirect to /auth/callback after ${MAX_REDIRECTS} hops, last at ${url.pathname}`);
    response = await fetchWithJar(url, jar);
    url = nextLocation(url, response, `GET ${url.pathname}`);
  }
  return { callbackUrl: url, jar };
}

/**
 * Signs `account` in through the real flow and returns its session cookie, CSRF token
 * and account id (from GET /api/v1/me). Throws with the failing step's status and body.
 */
export async function signIn(vault: { url: string }, account: DevAccountId, options: SignInOptions = {}): Promise<SignedIn> {
  const { callbackUrl, jar } = await signInUntilCallback(vault, account, options);
  const callback = await fetchWithJar(callbackUrl, jar);
  if (callback.status !== 303) throw new Error(`GET /auth/callback returned status ${callback.status}: ${(await callback.text()).slice(0, 500)}`);

  const sessionCookie = ['__Host-coffre_session', 'coffre_session'].find((name) => jar.get(name) !== undefined);
  if (!sessionCookie) throw new Error('GET /auth/callback set no session cookie');
  const cookie = `${sessionCookie}=${jar.get(sessionCookie)}`;

  const me = await fetch(new URL('/api/v1/me', vault.url), { headers: { cookie } });
  if (me.status !== 200) throw new Error(`GET /api/v1/me returned status ${me.status}: ${(await me.text()).slice(0, 500)}`);
  const identity = (await me.json()) as { id: string; csrfToken: string };
  return { cookie, csrfToken: identity.csrfToken, accountId: identity.id };
}

function nextLocation(current: URL, response: Response, step: string): URL {
  const location = response.headers.get('location');
  if (response.status < 300 || response.status >= 400 || !location) {
    throw new Error(`${step} returned status ${response.status} without a redirect`);
  }
  return new URL(location, current);
}
