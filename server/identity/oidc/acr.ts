/** eIDAS assurance levels as FranceConnect+ names them, lowest first. */
const ACR_RANKS: Record<string, number> = { eidas1: 1, eidas2: 2, eidas3: 3 };

/**
 * Tells whether an ID token's `acr` reaches the configured minimum
 * (eidas1 < eidas2 < eidas3). A missing or unknown value never does.
 */
export function meetsMinimumAcr(acr: unknown, minimum: 'eidas1' | 'eidas2' | 'eidas3'): boolean {
  if (typeof acr !== 'string' || !Object.hasOwn(ACR_RANKS, acr)) return false;
  return ACR_RANKS[acr]! >= ACR_RANKS[minimum]!;
}
