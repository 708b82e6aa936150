import type { JWK } from 'jose';

import type { PartnerKind } from '../../policies/types.js';

export type { PartnerKind } from '../../policies/types.js';

/** Every partner kind, in the order forms list them. The migration's check constraint lists the same values. */
export const PARTNER_KINDS: readonly PartnerKind[] = Object.freeze([
  'mdph',
  'cap_emploi',
  'france_travail',
  'mission_locale',
  'training_centre',
  'employer',
  'agefiph_fiphfp',
  'other',
] as const);

export function isPartnerKind(value: unknown): value is PartnerKind {
  return typeof value === 'string' && (PARTNER_KINDS as readonly string[]).includes(value);
}

/** Standing of a partner. Only an `active` partner gets access tokens and reads shared documents. */
export type PartnerStatus = 'active' | 'suspended';

/** Signature algorithms that a partner's client assertions may use. */
export type PartnerKeyAlgorithm = 'ES256' | 'PS256' | 'RS256';

export const PARTNER_KEY_ALGORITHMS: readonly PartnerKeyAlgorithm[] = Object.freeze(['ES256', 'PS256', 'RS256'] as const);

/** A registered partner organisation. */
export interface Partner {
  id: string;
  name: string;
  kind: PartnerKind;
  /** 14-digit SIRET of the establishment, when the administrator gave one. */
  siret: string | null;
  status: PartnerStatus;
  /** OAuth client id: the `iss` and `sub` of the partner's client assertions. */
  clientId: string;
  createdAt: Date;
  suspendedAt: Date | null;
}

/** A public key that verifies a partner's client assertions. */
export interface PartnerKey {
  kid: string;
  alg: PartnerKeyAlgorithm;
  /** Public members only, with `kid`, `alg` and `use: "sig"`. */
  publicJwk: JWK;
}

/**
 * The partner behind a request to the partner API, as `requirePartner` sets it in
 * `res.locals.partner`. It is read from the database on every request, so `status`
 * is current; the route's policy refuses a suspended partner.
 */
export interface PartnerPrincipal {
  id: string;
  clientId: string;
  name: string;
  status: 'active' | 'suspended';
}
