import type { Locale } from '../i18n/locale.js';

type Params = Record<string, string | number>;
type Text = string | ((params: Params) => string);

interface CatalogEntry {
  status: number;
  fr: { title: string; detail: Text };
  en: { title: string; detail: Text };
}

/**
 * Every error the vault can answer, by stable code. The code is part of the
 * API contract; titles and details are for people, in French first.
 */
export const ERROR_CATALOG = {
  validation_failed: {
    status: 400,
    fr: { title: 'Requête invalide', detail: (p) => `Le champ « ${p.field} » est invalide : ${p.reason}` },
    en: { title: 'Invalid request', detail: (p) => `The field "${p.field}" is invalid: ${p.reasonEn ?? p.reason}` },
  },
  unauthenticated: {
    status: 401,
    fr: { title: 'Connexion requise', detail: 'Identifiez-vous pour accéder à cette ressource.' },
    en: { title: 'Sign-in required', detail: 'Sign in to access this resource.' },
  },
  session_expired: {
    status: 401,
    fr: { title: 'Session expirée', detail: 'Votre session a expiré. Identifiez-vous à nouveau.' },
    en: { title: 'Session expired', detail: 'Your session has expired. Please sign in again.' },
  },
  forbidden: {
    status: 403,
    fr: { title: 'Accès refusé', detail: 'Votre rôle ne permet pas cette action.' },
    en: { title: 'Access denied', detail: 'Your role does not allow this action.' },
  },
  csrf_failed: {
    status: 403,
    fr: { title: 'Requête refusée', detail: 'Le jeton anti-falsification (X-CSRF-Token) est absent ou incorrect. Rechargez la page et réessayez.' },
    en: { title: 'Request rejected', detail: 'The anti-forgery token (X-CSRF-Token) is missing or wrong. Reload the page and try again.' },
  },
  origin_mismatch: {
    status: 403,
    fr: { title: 'Requête refusée', detail: 'La requête ne provient pas du site du coffre.' },
    en: { title: 'Request rejected', detail: 'The request does not come from the vault\'s own site.' },
  },
  not_found: {
    status: 404,
    fr: { title: 'Introuvable', detail: 'Cette ressource n\'existe pas ou vous n\'y avez pas accès.' },
    en: { title: 'Not found', detail: 'This resource does not exist or you have no access to it.' },
  },
  file_missing: {
    status: 400,
    fr: { title: 'Fichier manquant', detail: 'Joignez un fichier dans le champ « file » du formulaire.' },
    en: { title: 'File missing', detail: 'Attach a file in the "file" form field.' },
  },
  file_empty: {
    status: 422,
    fr: { title: 'Fichier vide', detail: 'Le fichier envoyé ne contient aucun octet. Vérifiez le fichier et envoyez-le à nouveau.' },
    en: { title: 'Empty file', detail: 'The file you sent contains no bytes. Check the file and send it again.' },
  },
  file_type_not_accepted: {
    status: 415,
    fr: { title: 'Type de fichier refusé', detail: 'Le contenu du fichier n\'est ni un PDF, ni une image JPEG, ni une image PNG. Seuls ces trois formats sont acceptés, quel que soit le nom du fichier.' },
    en: { title: 'File type not accepted', detail: 'The file\'s content is not a PDF, JPEG or PNG. Only these three formats are accepted, whatever the file name.' },
  },
  file_too_large: {
    status: 413,
    fr: { title: 'Fichier trop volumineux', detail: (p) => `Le fichier dépasse la taille maximale de ${p.maxMegabytes} Mo. Réduisez sa taille ou scannez-le en résolution plus basse.` },
    en: { title: 'File too large', detail: (p) => `The file exceeds the maximum size of ${p.maxMegabytes} MB. Reduce its size or scan it at a lower resolution.` },
  },
  upload_malformed: {
    status: 400,
    fr: { title: 'Envoi illisible', detail: 'Le formulaire envoyé est incomplet ou mal formé (multipart/form-data attendu, avec un seul fichier).' },
    en: { title: 'Malformed upload', detail: 'The form is incomplete or malformed (multipart/form-data expected, with one file).' },
  },
  category_unknown: {
    status: 400,
    fr: { title: 'Catégorie inconnue', detail: (p) => `La catégorie « ${p.category} » n'existe pas. Choisissez parmi : ${p.allowed}.` },
    en: { title: 'Unknown category', detail: (p) => `The category "${p.category}" does not exist. Choose one of: ${p.allowed}.` },
  },
  category_missing: {
    status: 400,
    fr: { title: 'Catégorie manquante', detail: 'Indiquez la catégorie du document dans le champ « category », placé avant le fichier dans le formulaire.' },
    en: { title: 'Category missing', detail: 'Give the document\'s category in the "category" field, placed before the file in the form.' },
  },
  sign_in_failed: {
    status: 400,
    fr: { title: 'Connexion impossible', detail: 'La connexion n\'a pas pu aboutir (réponse du fournisseur d\'identité invalide ou expirée). Recommencez depuis la page d\'accueil.' },
    en: { title: 'Sign-in failed', detail: 'Sign-in could not complete (the identity provider\'s answer was invalid or expired). Start again from the home page.' },
  },
  acr_too_low: {
    status: 401,
    fr: { title: 'Niveau de sécurité insuffisant', detail: 'Le moyen d\'identification utilisé n\'offre pas le niveau de garantie exigé pour des données de santé (eIDAS substantiel). Utilisez un moyen plus sûr.' },
    en: { title: 'Insufficient assurance level', detail: 'The sign-in method used does not offer the assurance level required for health data (eIDAS substantial). Use a stronger method.' },
  },
  rate_limited: {
    status: 429,
    fr: { title: 'Trop de tentatives', detail: 'Trop de requêtes en peu de temps. Patientez une minute puis réessayez.' },
    en: { title: 'Too many attempts', detail: 'Too many requests in a short time. Wait a minute and try again.' },
  },
  audit_unavailable: {
    status: 503,
    fr: { title: 'Service momentanément indisponible', detail: 'Le journal des accès ne peut pas être écrit ; par sécurité, rien n\'a été fait ni transmis. Réessayez dans quelques minutes.' },
    en: { title: 'Service temporarily unavailable', detail: 'The access journal cannot be written, so for safety nothing was done or sent. Try again in a few minutes.' },
  },
  service_unavailable: {
    status: 503,
    fr: { title: 'Service momentanément indisponible', detail: 'Le coffre ne peut pas répondre pour le moment. Réessayez dans quelques minutes.' },
    en: { title: 'Service temporarily unavailable', detail: 'The vault cannot answer right now. Try again in a few minutes.' },
  },
  internal_error: {
    status: 500,
    fr: { title: 'Erreur interne', detail: 'Une erreur inattendue s\'est produite. Si elle persiste, communiquez l\'identifiant de requête au support.' },
    en: { title: 'Internal error', detail: 'An unexpected error occurred. If it persists, give the request id to support.' },
  },
} satisfies Record<string, CatalogEntry>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

export function describeError(code: ErrorCode, locale: Locale, params: Params = {}): { status: number; title: string; detail: string } {
  const entry: CatalogEntry = ERROR_CATALOG[code];
  const text = entry[locale];
  const detail = typeof text.detail === 'function' ? text.detail(params) : text.detail;
  return { status: entry.status, title: text.title, detail };
}
