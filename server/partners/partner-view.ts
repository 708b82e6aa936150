import type { Partner, PartnerKey, PartnerKeyAlgorithm, PartnerKind, PartnerStatus } from './partner.types.js';

/** A partner as the admin API returns it. Keys are listed by id and algorithm only. */
export interface PartnerView {
  id: string;
  name: string;
  kind: PartnerKind;
  siret: string | null;
  status: PartnerStatus;
  clientId: string;
  keys: Array<{ kid: string; alg: PartnerKeyAlgorithm }>;
  createdAt: string;
  suspendedAt: string | null;
}

/** A partner as shown to a person choosing whom to share with. */
export interface PartnerDirectoryEntry {
  id: string;
  name: string;
  kind: PartnerKind;
}

export function toPartnerView(partner: Partner, keys: readonly PartnerKey[]): PartnerView {
  return {
    id: partner.id,
    name: partner.name,
    kind: partner.kind,
    siret: partner.siret,
    status: partner.status,
    clientId: partner.clientId,
    keys: keys.map((key) => ({ kid: key.kid, alg: key.alg })),
    createdAt: partner.createdAt.toISOString(),
    suspendedAt: partner.suspendedAt?.toISOString() ?? null,
  };
}

export function toDirectoryEntry(partner: Partner): PartnerDirectoryEntry {
  return { id: partner.id, name: partner.name, kind: partner.kind };
}
