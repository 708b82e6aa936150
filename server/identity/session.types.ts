export type Role = 'person' | 'dpo' | 'admin';

/** The signed-in account behind a request, as the session middleware found it. */
export interface SessionInfo {
  accountId: string;
  roles: Role[];
  csrfToken: string;
  acr: string | null;
  authTime: Date;
  expiresAt: Date;
  /** SHA-256 of the session id: the key of the server-side row. */
  idHash: Buffer;
}
