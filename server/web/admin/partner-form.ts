import { AppError } from '../../errors/app-error.js';
import { parsePartnerJwks } from '../../partners/partner-jwks.js';
import { MAX_PARTNER_NAME_LENGTH, parsePartnerKind, parsePartnerName, parseSiret, type PartnerRegistration } from '../../partners/partner-registration.js';
import type { FieldError } from '../dpo/staff-form-html.js';

/** The registration form as typed, every field as text. */
export interface PartnerFormValues {
  name: string;
  kind: string;
  siret: string;
  jwks: string;
}

/** The outcome of reading the form: the values to show again, and either a registration or the errors. */
export interface PartnerForm {
  values: PartnerFormValues;
  errors: FieldError[];
  registration: PartnerRegistration | null;
}

/** Element ids of the registration form's fields, which the error summary links to. */
export const PARTNER_FIELD_IDS = { name: 'partenaire-nom', kind: 'partenaire-type', siret: 'partenaire-siret', jwks: 'partenaire-jwks' } as const;

// Large enough for ten 4096-bit RSA public keys with their members, like the API's body limit.
const MAX_JWKS_LENGTH = 60_000;

/**
 * Reads the registration form (`application/x-www-form-urlencoded`). Each
 * field goes through the validator of `POST /admin/v1/partners`, so the page
 * accepts exactly what the API accepts, and every invalid field gets its
 * French message at once. The JWKS is pasted as JSON text.
 */
export async function readPartnerForm(body: Record<string, unknown>): Promise<PartnerForm> {
  const values: PartnerFormValues = { name: text(body.name), kind: text(body.kind), siret: text(body.siret), jwks: text(body.jwks) };
  const errors: FieldError[] = [];

  const name = validate(() => parsePartnerName(values.name), () => nameMessage(values.name));
  if (name.error) errors.push({ fieldId: PARTNER_FIELD_IDS.name, message: name.error });

  const kind = validate(() => parsePartnerKind(values.kind), () => 'Choisissez le type de partenaire dans la liste.');
  if (kind.error) errors.push({ fieldId: PARTNER_FIELD_IDS.kind, message: kind.error });

  const siret = validate(() => parseSiret(values.siret), (reason) => `Le numéro SIRET est invalide : ${reason}. Laissez le champ vide si le partenaire n'en a pas.`);
  if (siret.error) errors.push({ fieldId: PARTNER_FIELD_IDS.siret, message: siret.error });

  const keys = await readJwks(values.jwks);
  if (keys.error) errors.push({ fieldId: PARTNER_FIELD_IDS.jwks, message: keys.error });

  if (errors.length > 0 || name.value === undefined || kind.value === undefined || siret.value === undefined || keys.value === undefined) {
    return { values, errors, registration: null };
  }
  return { values, errors, registration: { name: name.value, kind: kind.value, siret: siret.value, keys: keys.value } };
}

async function readJwks(textValue: string): Promise<{ value?: Awaited<ReturnType<typeof parsePartnerJwks>>; error?: string }> {
  if (textValue === '') return { error: 'Collez le jeu de clés publiques (JWKS) du partenaire, de la forme { "keys": [ … ] }.' };
  if (textValue.length > MAX_JWKS_LENGTH) return { error: `Le jeu de clés est trop long (plus de ${MAX_JWKS_LENGTH} caractères) : n'y laissez que les clés publiques de signature.` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(textValue);
  } catch {
    return { error: 'Le jeu de clés n\'est pas du JSON valide : collez le JWKS tel que le partenaire l\'a fourni, de la forme { "keys": [ … ] }.' };
  }
  try {
    return { value: await parsePartnerJwks(parsed) };
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'validation_failed') throw error;
    return { error: `Le jeu de clés est refusé (${error.params.field}) : ${error.params.reason}.` };
  }
}

function validate<T>(parse: () => T, message: (reason: string) => string): { value?: T; error?: string } {
  try {
    return { value: parse() };
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'validation_failed') throw error;
    return { error: message(String(error.params.reason)) };
  }
}

function nameMessage(name: string): string {
  if (name === '') return 'Saisissez le nom du partenaire, par exemple « Cap emploi de Nulle-Part ».';
  if (name.length > MAX_PARTNER_NAME_LENGTH) return `Le nom dépasse ${MAX_PARTNER_NAME_LENGTH} caractères : raccourcissez-le.`;
  return 'Le nom contient un caractère invisible, comme un retour à la ligne ou une tabulation : retirez-le.';
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}
