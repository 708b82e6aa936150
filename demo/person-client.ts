import { signIn, type DevAccountId, type SignedIn } from './sign-in-flow.js';

/** An HTTP response of the vault that the demo did not expect, with its problem detail when it has one. */
export class UnexpectedResponse extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'UnexpectedResponse';
  }
}

/**
 * A person signed in to the vault through the development provider, calling
 * the `/api/v1` and `/dpo/v1` routes with the session cookie. Unsafe methods
 * also send the session's CSRF token. No Origin header is sent, which the
 * vault accepts from scripts, so COFFRE_URL may differ from COFFRE_PUBLIC_URL.
 */
export class PersonClient {
  private constructor(
    private readonly baseUrl: string,
    private readonly session: SignedIn,
  ) {}

  static async signIn(baseUrl: string, account: DevAccountId): Promise<PersonClient> {
    return new PersonClient(baseUrl, await signIn({ url: baseUrl }, account));
  }

  get accountId(): string {
    return this.session.accountId;
  }

  /** Sends a request and returns the response whatever its status. */
  async fetch(method: 'GET' | 'POST', path: string, body?: RequestInit['body'], contentType?: string): Promise<Response> {
    const headers: Record<string, string> = { cookie: this.session.cookie, 'accept-language': 'fr' };
    if (method !== 'GET') headers['x-csrf-token'] = this.session.csrfToken;
    if (contentType !== undefined) headers['content-type'] = contentType;
    return fetch(new URL(path, this.baseUrl), { method, headers, body });
  }

  /** GETs JSON, and throws UnexpectedResponse unless the status is `expected`. */
  async getJson<T>(path: string, expected = 200): Promise<T> {
    return readJson<T>(await this.fetch('GET', path), `GET ${path}`, expected);
  }

  /** POSTs a JSON body, and throws UnexpectedResponse unless the status is `expected`. */
  async postJson<T>(path: string, body: unknown, expected = 200): Promise<T> {
    const response = await this.fetch('POST', path, JSON.stringify(body), 'application/json');
    return readJson<T>(response, `POST ${path}`, expected);
  }

  /** Uploads a document as `multipart/form-data` with its category and title, and expects 201. */
  async upload<T>(category: string, title: string, fileName: string, mediaType: string, data: Buffer): Promise<T> {
    const form = new FormData();
    form.append('category', category);
    form.append('title', title);
    form.append('file', new Blob([data], { type: mediaType }), fileName);
    return readJson<T>(await this.fetch('POST', '/api/v1/documents', form), 'POST /api/v1/documents', 201);
  }
}

/** Parses a JSON response of status `expected`, or throws UnexpectedResponse with the problem detail's code and title. */
export async function readJson<T>(response: Response, request: string, expected: number): Promise<T> {
  const text = await response.text();
  if (response.status === expected) return JSON.parse(text) as T;

  let code = 'unknown';
  let title = '';
  try {
    const problem = JSON.parse(text) as { code?: unknown; title?: unknown; detail?: unknown };
    code = String(problem.code ?? 'unknown');
    title = [problem.title, problem.detail].filter((part) => typeof part === 'string' && part !== '').join('. ');
  } catch {
    // Not a problem detail: the status alone is reported.
  }
  throw new UnexpectedResponse(response.status, code, `${request} : HTTP ${response.status} au lieu de ${expected}${title ? ` (${code} : ${title})` : ''}`);
}
