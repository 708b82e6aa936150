/** A sharing code as stored: its hash only, never the code. */
export interface StoredSharingCode {
  id: string;
  personId: string;
  expiresAt: Date;
  revokedAt: Date | null;
  createdAt: Date;
}

/** State of a sharing code at a given instant. */
export type SharingCodeStatus = 'active' | 'expired' | 'revoked';

/** A sharing code as the API sends it to its person; the code itself only once, at creation. */
export interface SharingCodeView {
  id: string;
  status: SharingCodeStatus;
  expiresAt: string;
  revokedAt: string | null;
  createdAt: string;
}
