/** A fictional person or staff member of the development identity provider. */
export interface DevAccount {
  /** Account id at the provider, also its `sub`. */
  id: 'camille' | 'dominique' | 'dpo' | 'admin';
  givenName: string;
  familyName: string;
  /** Staff role this account is meant to have in the vault, if any. */
  staffRole: 'dpo' | 'admin' | null;
  /** French label shown on the sign-in page. */
  label: string;
}

/** The accounts of the development provider. Every name here is invented. */
export const DEV_ACCOUNTS: readonly DevAccount[] = [
  { id: 'camille', givenName: 'Camille', familyName: 'EXEMPLE', staffRole: null, label: 'Camille EXEMPLE (usagère)' },
  { id: 'dominique', givenName: 'Dominique', familyName: 'ESSAI', staffRole: null, label: 'Dominique ESSAI (usager)' },
  { id: 'dpo', givenName: 'Claude', familyName: 'PROTECTION', staffRole: 'dpo', label: 'Claude PROTECTION (délégué ou déléguée à la protection des données)' },
  { id: 'admin', givenName: 'Alex', familyName: 'COFFRE', staffRole: 'admin', label: 'Alex COFFRE (administration du coffre)' },
];

export function findDevAccount(id: unknown): DevAccount | undefined {
  return typeof id === 'string' ? DEV_ACCOUNTS.find((account) => account.id === id) : undefined;
}

/** Issuer path of the development provider under the vault's public URL. */
export const DEV_PROVIDER_PATH = '/dev-idp';

/** Client id under which the vault is registered at the development provider. */
export const DEV_CLIENT_ID = 'coffre-dev';
