import { AppError } from '../errors/app-error.js';
import { parsePartnerJwks } from './partner-jwks.js';
import { PARTNER_KINDS, isPartnerKind, type PartnerKey, type PartnerKind } from './partner.types.js';
import { isValidSiret, normalizeSiret } from './siret.js';

export const MAX_PARTNER_NAME_LENGTH = 200;

const REGISTRATION_FIELDS = new Set(['name', 'kind', 'siret', 'jwks']);

/** A validated request to register a partner, from the admin API or the command line. */
export interface PartnerRegistration {
  name: string;
  kind: PartnerKind;
  siret: string | null;
  keys: PartnerKey[];
}

/**
 * Validates the body of `POST /admin/v1/partners`: `name` (1 to 200 characters),
 * `kind`, an optional `siret` (spaces allowed, check digit verified) and `jwks`, a set
 * of public keys. Unknown fields are rejected. Throws `validation_failed` naming the field.
 */
export async function parsePartnerRegistration(body: unknown): Promise<PartnerRegistration> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new AppError('validation_failed', {
      field: 'body',
      reason: 'objet JSON attendu (Content-Type: application/json)',
      reasonEn: 'a JSON object is expected (Content-Type: application/json)',
    });
  }
  const fields = body as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    if (!REGISTRATION_FIELDS.has(key)) {
      throw new AppError('validation_failed', {
        field: key.slice(0, 40),
        reason: 'champ inconnu ; les champs acceptés sont name, kind, siret et jwks',
        reasonEn: 'unknown field; the accepted fields are name, kind, siret and jwks',
      });
    }
  }

  return {
    name: parsePartnerName(fields.name),
    kind: parsePartnerKind(fields.kind),
    siret: parseSiret(fields.siret),
    keys: await parsePartnerJwks(fields.jwks),
  };
}

export function parsePartnerName(value: unknown): string {
  const name = typeof value === 'string' ? value.trim() : '';
  // Control characters would let a name break the lines of a list or a log.
  if (name.length === 0 || name.length > MAX_PARTNER_NAME_LENGTH || /\p{Cc}/u.test(name)) {
    throw new AppError('validation_failed', {
      field: 'name',
      reason: `nom de 1 à ${MAX_PARTNER_NAME_LENGTH} caractères attendu, sans caractère de contrôle`,
      reasonEn: `a name of 1 to ${MAX_PARTNER_NAME_LENGTH} characters is expected, without control characters`,
    });
  }
  return name;
}

export function parsePartnerKind(value: unknown): PartnerKind {
  if (!isPartnerKind(value)) {
    throw new AppError('validation_failed', {
      field: 'kind',
      reason: `type de partenaire attendu parmi ${PARTNER_KINDS.join(', ')}`,
      reasonEn: `a partner kind among ${PARTNER_KINDS.join(', ')} is expected`,
    });
  }
  return value;
}

/** Validates an optional SIRET; absent, null or blank means none. */
export function parseSiret(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  const siret = typeof value === 'string' ? normalizeSiret(value) : null;
  if (siret === '') return null;
  if (siret === null || !isValidSiret(siret)) {
    throw new AppError('validation_failed', {
      field: 'siret',
      reason: 'numéro SIRET invalide : 14 chiffres attendus, dont le dernier est la clé de contrôle (formule de Luhn) ; vérifiez le numéro sur l\'avis de situation Insee',
      reasonEn: 'invalid SIRET number: 14 digits are expected, the last being the check digit (Luhn formula); check the number on the INSEE registration notice',
    });
  }
  return siret;
}
