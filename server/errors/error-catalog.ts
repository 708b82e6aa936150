import type { Locale } from '../i18n/locale.js';

type Params = Record<string, string | number>;
type Text = string | ((params: Params) => string);

interface CatalogEntry {
  status: number;
  fr: { title: string; detail: Text };
  en: { title: string; detail: Text };
}

/**
 * Every error the vault can return, by stable code. The code is part of the
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
    status: 422,
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
    en: { title: 'Sign-in failed', detail: 'Sign-in could not complete (the identity provider\'s response was invalid or expired). Start again from the home page.' },
  },
  acr_too_low: {
    status: 401,
    fr: { title: 'Niveau de sécurité insuffisant', detail: 'Le moyen d\'identification utilisé n\'offre pas le niveau de garantie exigé pour des données de santé (eIDAS substantiel). Utilisez un moyen plus sûr.' },
    en: { title: 'Insufficient assurance level', detail: 'The sign-in method used does not offer the assurance level required for health data (eIDAS substantial). Use a stronger method.' },
  },
  // Grants, the partner API and access requests. Each code is also the
  // reason code of the policy denial it reports, with the same status.
  partner_unknown: {
    status: 404,
    fr: { title: 'Partenaire inconnu', detail: 'Aucun partenaire enregistré ne correspond à ce jeton d\'accès.' },
    en: { title: 'Unknown partner', detail: 'No registered partner matches this access token.' },
  },
  partner_suspended: {
    status: 403,
    fr: { title: 'Partenaire suspendu', detail: 'L\'accès de votre organisme au coffre est suspendu. Contactez l\'administrateur du coffre.' },
    en: { title: 'Partner suspended', detail: 'Your organisation\'s access to the vault is suspended. Contact the vault\'s administrator.' },
  },
  grant_not_found: {
    status: 404,
    fr: { title: 'Partage introuvable', detail: 'Ce partage n\'existe pas ou ne vous est pas destiné.' },
    en: { title: 'Grant not found', detail: 'This grant does not exist or was not made to you.' },
  },
  grant_revoked: {
    status: 403,
    fr: { title: 'Partage révoqué', detail: 'Ce partage a été révoqué par la personne : ses documents ne sont plus accessibles.' },
    en: { title: 'Grant revoked', detail: 'The person revoked this grant, so its documents can no longer be accessed.' },
  },
  grant_not_started: {
    status: 403,
    fr: { title: 'Partage pas encore commencé', detail: 'Ce partage ne commence qu\'à la date choisie par la personne. Réessayez à partir de cette date.' },
    en: { title: 'Grant not started', detail: 'This grant starts only on the date the person chose. Try again from that date.' },
  },
  grant_expired: {
    status: 403,
    fr: { title: 'Partage expiré', detail: 'La durée de ce partage est écoulée : ses documents ne sont plus accessibles. La personne peut en accorder un nouveau.' },
    en: { title: 'Grant expired', detail: 'This grant has ended, so its documents can no longer be accessed. The person may grant a new one.' },
  },
  grant_already_revoked: {
    status: 409,
    fr: { title: 'Partage déjà révoqué', detail: 'Ce partage a déjà été révoqué.' },
    en: { title: 'Grant already revoked', detail: 'This grant was already revoked.' },
  },
  grant_already_expired: {
    status: 409,
    fr: { title: 'Partage déjà terminé', detail: 'Ce partage est déjà arrivé à son terme : il ne donne plus accès à rien et n\'a pas besoin d\'être révoqué.' },
    en: { title: 'Grant already ended', detail: 'This grant has already ended: it gives access to nothing and needs no revocation.' },
  },
  document_not_found: {
    status: 404,
    fr: { title: 'Document introuvable', detail: 'Ce document n\'existe pas, a été supprimé ou ne vous est pas accessible.' },
    en: { title: 'Document not found', detail: 'This document does not exist, was deleted, or is not accessible to you.' },
  },
  document_not_in_scope: {
    status: 404,
    fr: { title: 'Document hors du partage', detail: 'Ce document ne fait pas partie de ce partage.' },
    en: { title: 'Document outside the grant', detail: 'This document is not part of this grant.' },
  },
  partner_not_found: {
    status: 404,
    fr: { title: 'Partenaire introuvable', detail: 'Aucun partenaire enregistré ne porte cet identifiant. Choisissez un partenaire dans la liste.' },
    en: { title: 'Partner not found', detail: 'No registered partner has this id. Choose a partner from the list.' },
  },
  partner_not_active: {
    status: 422,
    fr: { title: 'Partenaire suspendu', detail: 'Ce partenaire est suspendu : vous ne pouvez pas lui partager de documents pour le moment.' },
    en: { title: 'Partner suspended', detail: 'This partner is suspended, so you cannot share documents with it for now.' },
  },
  scope_empty: {
    status: 422,
    fr: { title: 'Rien à partager', detail: 'Choisissez au moins un document ou une catégorie de documents à partager.' },
    en: { title: 'Nothing to share', detail: 'Choose at least one document or one document category to share.' },
  },
  purpose_unknown: {
    status: 422,
    fr: { title: 'Finalité inconnue', detail: (p) => `La finalité « ${p.purpose} » n'existe pas. Choisissez parmi : ${p.allowed}.` },
    en: { title: 'Unknown purpose', detail: (p) => `The purpose "${p.purpose}" does not exist. Choose one of: ${p.allowed}.` },
  },
  purpose_text_required: {
    status: 422,
    fr: { title: 'Finalité à préciser', detail: 'Pour la finalité « Autre », décrivez la finalité du partage en 3 à 500 caractères.' },
    en: { title: 'Purpose to be stated', detail: 'For the purpose "Other", describe the purpose of the grant in 3 to 500 characters.' },
  },
  purpose_text_not_allowed: {
    status: 422,
    fr: { title: 'Texte de finalité refusé', detail: 'Un texte de finalité n\'est accepté qu\'avec la finalité « Autre ». Retirez le texte ou choisissez « Autre ».' },
    en: { title: 'Purpose text rejected', detail: 'A purpose text is accepted only with the purpose "Other". Remove the text or choose "Other".' },
  },
  grant_window_invalid: {
    status: 422,
    fr: { title: 'Dates de partage invalides', detail: 'La date de fin du partage doit être une date valide, postérieure à sa date de début.' },
    en: { title: 'Invalid grant dates', detail: 'The grant\'s end must be a valid date after its start.' },
  },
  grant_start_in_past: {
    status: 422,
    fr: { title: 'Début du partage dans le passé', detail: 'Un partage ne peut pas commencer dans le passé. Choisissez maintenant ou une date à venir.' },
    en: { title: 'Grant start in the past', detail: 'A grant cannot start in the past. Choose now or a future date.' },
  },
  grant_too_long: {
    status: 422,
    fr: { title: 'Partage trop long', detail: 'Un partage dure au plus un an. Choisissez une date de fin plus proche.' },
    en: { title: 'Grant too long', detail: 'A grant lasts at most one year. Choose an earlier end date.' },
  },
  idempotency_key_reused: {
    status: 422,
    fr: { title: 'Clé d\'idempotence déjà utilisée', detail: 'Cette clé Idempotency-Key a déjà servi pour une autre demande. Utilisez une nouvelle clé pour une nouvelle demande.' },
    en: { title: 'Idempotency key already used', detail: 'This Idempotency-Key was already used for a different request. Use a new key for a new request.' },
  },
  consent_version_outdated: {
    status: 409,
    fr: { title: 'Texte de consentement modifié', detail: 'Le texte de consentement a changé depuis l\'affichage de la page. Relisez le nouveau texte puis confirmez à nouveau.' },
    en: { title: 'Consent text changed', detail: 'The consent text changed after the page was shown. Read the new text and confirm again.' },
  },
  request_conflict: {
    status: 409,
    fr: { title: 'Conflit', detail: 'La demande est en conflit avec une modification faite en même temps. Rechargez la page et réessayez.' },
    en: { title: 'Conflict', detail: 'The request conflicts with a change made at the same time. Reload the page and try again.' },
  },
  sharing_code_invalid: {
    status: 404,
    fr: { title: 'Code de partage invalide', detail: 'Ce code de partage est inconnu, expiré ou révoqué. Demandez à la personne de vous donner un nouveau code.' },
    en: { title: 'Invalid sharing code', detail: 'This sharing code is unknown, expired or revoked. Ask the person for a new code.' },
  },
  sharing_code_not_found: {
    status: 404,
    fr: { title: 'Code de partage introuvable', detail: 'Ce code de partage n\'existe pas ou n\'est pas le vôtre.' },
    en: { title: 'Sharing code not found', detail: 'This sharing code does not exist or is not yours.' },
  },
  access_request_not_found: {
    status: 404,
    fr: { title: 'Demande d\'accès introuvable', detail: 'Cette demande d\'accès n\'existe pas ou ne vous concerne pas.' },
    en: { title: 'Access request not found', detail: 'This access request does not exist or does not concern you.' },
  },
  access_request_expired: {
    status: 409,
    fr: { title: 'Demande d\'accès expirée', detail: 'Cette demande d\'accès a expiré sans réponse. Le partenaire peut en envoyer une nouvelle.' },
    en: { title: 'Access request expired', detail: 'This access request expired without an answer. The partner may send a new one.' },
  },
  access_request_not_pending: {
    status: 409,
    fr: { title: 'Demande d\'accès déjà traitée', detail: 'Vous avez déjà répondu à cette demande d\'accès.' },
    en: { title: 'Access request already answered', detail: 'You already answered this access request.' },
  },
  approval_longer_than_requested: {
    status: 422,
    fr: { title: 'Durée plus longue que demandé', detail: 'Vous pouvez raccourcir la durée demandée par le partenaire, mais pas l\'allonger. Choisissez une date de fin plus proche.' },
    en: { title: 'Longer than requested', detail: 'You may shorten the duration the partner asked for, but not extend it. Choose an earlier end date.' },
  },
  rate_limited: {
    status: 429,
    fr: { title: 'Trop de tentatives', detail: 'Trop de requêtes en peu de temps. Patientez une minute puis réessayez.' },
    en: { title: 'Too many attempts', detail: 'Too many requests in a short time. Wait a minute and try again.' },
  },
  // Partners: the administrators' registry and the partner access tokens.
  partner_token_invalid: {
    status: 401,
    fr: {
      title: 'Jeton d\'accès invalide',
      detail: (p) =>
        p.reason === 'token_missing'
          ? 'Aucun jeton d\'accès n\'a été présenté. Envoyez l\'en-tête « Authorization: Bearer » avec un jeton obtenu sur /oauth/token.'
          : p.reason === 'token_expired'
            ? 'Le jeton d\'accès a expiré. Demandez un nouveau jeton sur /oauth/token.'
            : 'Le jeton d\'accès est invalide : il est mal formé, modifié, ou n\'a pas été émis par ce coffre pour l\'API partenaire. Demandez un nouveau jeton sur /oauth/token.',
    },
    en: {
      title: 'Invalid access token',
      detail: (p) =>
        p.reason === 'token_missing'
          ? 'No access token was presented. Send the "Authorization: Bearer" header with a token obtained from /oauth/token.'
          : p.reason === 'token_expired'
            ? 'The access token has expired. Request a new token from /oauth/token.'
            : 'The access token is invalid: it is malformed, was changed, or was not issued by this vault for the partner API. Request a new token from /oauth/token.',
    },
  },
  partner_already_suspended: {
    status: 409,
    fr: { title: 'Partenaire déjà suspendu', detail: 'Ce partenaire est déjà suspendu : rien n\'a été modifié.' },
    en: { title: 'Partner already suspended', detail: 'This partner is already suspended, so nothing was changed.' },
  },
  partner_already_active: {
    status: 409,
    fr: { title: 'Partenaire déjà actif', detail: 'Ce partenaire est déjà actif : rien n\'a été modifié.' },
    en: { title: 'Partner already active', detail: 'This partner is already active, so nothing was changed.' },
  },
  reauthentication_required: {
    status: 403,
    fr: { title: 'Nouvelle connexion nécessaire', detail: 'Pour supprimer votre compte, votre connexion doit dater de moins de 5 minutes. Déconnectez-vous, reconnectez-vous, puis recommencez.' },
    en: { title: 'Sign in again', detail: 'To delete your account, you must have signed in less than 5 minutes ago. Sign out, sign in again, then try again.' },
  },
  audit_unavailable: {
    status: 503,
    fr: { title: 'Service momentanément indisponible', detail: 'Le journal des accès ne peut pas être écrit ; par sécurité, rien n\'a été fait ni transmis. Réessayez dans quelques minutes.' },
    en: { title: 'Service temporarily unavailable', detail: 'The access journal cannot be written, so for safety nothing was done or sent. Try again in a few minutes.' },
  },
  service_unavailable: {
    status: 503,
    fr: { title: 'Service momentanément indisponible', detail: 'Le coffre ne peut pas répondre pour le moment. Réessayez dans quelques minutes.' },
    en: { title: 'Service temporarily unavailable', detail: 'The vault cannot respond right now. Try again in a few minutes.' },
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
