import type { ReasonCode } from '../../policies/reason-codes.js';
import { ERROR_CATALOG, type ErrorCode } from '../errors/error-catalog.js';
import type { Locale } from '../i18n/locale.js';
import type { SignInFailureReason } from '../identity/oidc/sign-in-failure.js';
import type { AccessTokenRejection } from '../partners/oauth/access-token-verifier.js';
import type { TokenRefusalReason } from '../partners/oauth/token-error.js';
import type { PartnerAuthenticationFailure } from '../partners/partner-auth.middleware.js';

type Label = Record<Locale, string>;

/**
 * Label of every audit action that the server records, for the DPO's
 * journal. A test collects the action codes written under `server/` and
 * checks that each one is here.
 */
export const ACTION_LABELS: Readonly<Record<string, Label>> = Object.freeze({
  'auth.sign_in': { fr: 'Connexion', en: 'Sign-in' },
  'auth.sign_out': { fr: 'Déconnexion', en: 'Sign-out' },
  'auth.session': { fr: 'Accès avec une session expirée', en: 'Access with an expired session' },
  'document.upload': { fr: 'Dépôt d\'un document', en: 'Document upload' },
  'document.read': { fr: 'Consultation des informations d\'un document', en: 'Document details read' },
  'document.download': { fr: 'Téléchargement d\'un document', en: 'Document download' },
  'document.delete': { fr: 'Suppression d\'un document', en: 'Document deletion' },
  'document.list': { fr: 'Liste des documents', en: 'Document list' },
  'grant.create': { fr: 'Création d\'un partage', en: 'Grant creation' },
  'grant.revoke': { fr: 'Révocation d\'un partage', en: 'Grant revocation' },
  'grant.expire': { fr: 'Fin d\'un partage arrivé à échéance', en: 'Grant expiry' },
  'grant.read': { fr: 'Consultation d\'un partage', en: 'Grant read' },
  'grant.list': { fr: 'Liste des partages', en: 'Grant list' },
  'sharing_code.create': { fr: 'Création d\'un code de partage', en: 'Sharing code creation' },
  'sharing_code.list': { fr: 'Liste des codes de partage', en: 'Sharing code list' },
  'sharing_code.revoke': { fr: 'Révocation d\'un code de partage', en: 'Sharing code revocation' },
  'access_request.create': { fr: 'Demande d\'accès d\'un partenaire', en: 'Partner access request' },
  'access_request.approve': { fr: 'Acceptation d\'une demande d\'accès', en: 'Access request approval' },
  'access_request.refuse': { fr: 'Refus d\'une demande d\'accès', en: 'Access request refusal' },
  'access_request.list': { fr: 'Liste des demandes d\'accès', en: 'Access request list' },
  'partner.token': { fr: 'Demande de jeton d\'accès par un partenaire', en: 'Partner access token request' },
  'partner.authenticate': { fr: 'Authentification d\'un partenaire', en: 'Partner authentication' },
  'partner.register': { fr: 'Enregistrement d\'un partenaire', en: 'Partner registration' },
  'partner.suspend': { fr: 'Suspension d\'un partenaire', en: 'Partner suspension' },
  'partner.reactivate': { fr: 'Réactivation d\'un partenaire', en: 'Partner reactivation' },
  'partner.grant.list': { fr: 'Liste des partages par un partenaire', en: 'Grant list by a partner' },
  'partner.documents.list': { fr: 'Liste des documents d\'un partage par un partenaire', en: 'Grant document list by a partner' },
  'partner.document.download': { fr: 'Téléchargement d\'un document par un partenaire', en: 'Document download by a partner' },
  'partner.access_request.read': { fr: 'Consultation d\'une demande d\'accès par un partenaire', en: 'Access request read by a partner' },
  'access_history.read': { fr: 'Consultation de son historique des accès', en: 'Own access history read' },
  'access_request.cancel': { fr: 'Annulation d\'une demande d\'accès', en: 'Access request cancellation' },
  'account.export': { fr: 'Export de tout son coffre', en: 'Whole vault export' },
  'account.erase': { fr: 'Suppression de son compte', en: 'Account erasure' },
  'audit.search': { fr: 'Recherche dans le journal d\'audit', en: 'Audit log search' },
  'audit.export': { fr: 'Export du journal d\'audit', en: 'Audit log export' },
  'audit.verify': { fr: 'Vérification du journal d\'audit', en: 'Audit log verification' },
  'audit.key_rotate': { fr: 'Renouvellement de la clé de signature du journal d\'audit', en: 'Audit signing key rotation' },
  'kek.retire': { fr: 'Retrait de l\'ancienne clé maîtresse après son renouvellement', en: 'Old master key retired after a rotation' },
});

/** Reason codes recorded outside `policies/` that are neither error codes nor the reasons typed below. */
type OtherReason = 'upload_aborted' | 'dev_seed' | 'account_erased';

type ExplicitReason = ReasonCode | SignInFailureReason | TokenRefusalReason | PartnerAuthenticationFailure | AccessTokenRejection | OtherReason;

/**
 * Label of every reason code that a typed decision records. The record type
 * makes `tsc` fail when a policy, the sign-in, the token endpoint or the
 * partner authentication gains a code without a label. Reasons that are
 * error codes (an upload refused as `file_too_large`) take the error's title
 * when they are not listed here.
 */
export const REASON_LABELS: Readonly<Record<ExplicitReason, Label>> = Object.freeze({
  role_not_allowed: { fr: 'Rôle non autorisé', en: 'Role not allowed' },
  not_found: { fr: 'Introuvable ou appartenant à une autre personne', en: 'Not found or belonging to another person' },
  partner_unknown: { fr: 'Partenaire inconnu', en: 'Unknown partner' },
  partner_suspended: { fr: 'Partenaire suspendu', en: 'Partner suspended' },
  grant_not_found: { fr: 'Partage introuvable ou destiné à un autre partenaire', en: 'Grant not found or made to another partner' },
  grant_revoked: { fr: 'Partage révoqué', en: 'Grant revoked' },
  grant_not_started: { fr: 'Partage pas encore commencé', en: 'Grant not started' },
  grant_expired: { fr: 'Partage expiré', en: 'Grant expired' },
  document_not_found: { fr: 'Document introuvable ou supprimé', en: 'Document not found or deleted' },
  document_not_in_scope: { fr: 'Document hors du partage', en: 'Document outside the grant' },
  partner_not_found: { fr: 'Partenaire introuvable', en: 'Partner not found' },
  partner_not_active: { fr: 'Partenaire suspendu', en: 'Partner suspended' },
  category_unknown: { fr: 'Catégorie inconnue', en: 'Unknown category' },
  scope_empty: { fr: 'Rien à partager', en: 'Nothing to share' },
  purpose_unknown: { fr: 'Finalité inconnue', en: 'Unknown purpose' },
  purpose_text_required: { fr: 'Finalité à préciser', en: 'Purpose to be stated' },
  purpose_text_not_allowed: { fr: 'Texte de finalité refusé', en: 'Purpose text rejected' },
  grant_window_invalid: { fr: 'Dates de partage invalides', en: 'Invalid grant dates' },
  grant_start_in_past: { fr: 'Début du partage dans le passé', en: 'Grant start in the past' },
  grant_too_long: { fr: 'Partage trop long', en: 'Grant too long' },
  grant_already_revoked: { fr: 'Partage déjà révoqué', en: 'Grant already revoked' },
  grant_already_expired: { fr: 'Partage déjà terminé', en: 'Grant already ended' },
  sharing_code_invalid: { fr: 'Code de partage inconnu, expiré ou révoqué', en: 'Sharing code unknown, expired or revoked' },
  access_request_not_found: { fr: 'Demande d\'accès introuvable', en: 'Access request not found' },
  access_request_expired: { fr: 'Demande d\'accès expirée', en: 'Access request expired' },
  access_request_not_pending: { fr: 'Demande d\'accès déjà traitée', en: 'Access request already answered' },
  approval_longer_than_requested: { fr: 'Durée plus longue que demandé', en: 'Longer than requested' },
  reauthentication_required: { fr: 'Connexion de plus de 5 minutes', en: 'Sign-in older than 5 minutes' },
  // Sign-in.
  transaction_missing: { fr: 'Connexion commencée ailleurs ou expirée', en: 'Sign-in started elsewhere or expired' },
  state_missing: { fr: 'Paramètre state absent', en: 'State parameter missing' },
  state_mismatch: { fr: 'Paramètre state différent', en: 'State parameter mismatch' },
  provider_error: { fr: 'Connexion annulée ou refusée par le fournisseur d\'identité', en: 'Sign-in cancelled or refused by the identity provider' },
  nonce_mismatch: { fr: 'Nonce différent', en: 'Nonce mismatch' },
  code_rejected: { fr: 'Code d\'autorisation refusé', en: 'Authorization code rejected' },
  response_invalid: { fr: 'Réponse du fournisseur d\'identité invalide', en: 'Invalid identity provider response' },
  provider_unreachable: { fr: 'Fournisseur d\'identité injoignable', en: 'Identity provider unreachable' },
  acr_too_low: { fr: 'Niveau de garantie eIDAS insuffisant', en: 'eIDAS assurance level too low' },
  // Partner access tokens and their use.
  token_missing: { fr: 'Jeton d\'accès absent', en: 'Access token missing' },
  token_invalid: { fr: 'Jeton d\'accès invalide', en: 'Invalid access token' },
  token_expired: { fr: 'Jeton d\'accès expiré', en: 'Access token expired' },
  request_not_form: { fr: 'Requête de jeton mal formée', en: 'Malformed token request' },
  parameter_repeated: { fr: 'Paramètre répété', en: 'Repeated parameter' },
  grant_type_missing: { fr: 'Paramètre grant_type absent', en: 'grant_type parameter missing' },
  grant_type_unsupported: { fr: 'Type d\'autorisation non accepté', en: 'Grant type not supported' },
  client_assertion_type_missing: { fr: 'Paramètre client_assertion_type absent', en: 'client_assertion_type parameter missing' },
  client_assertion_type_unsupported: { fr: 'Mode d\'authentification non accepté', en: 'Authentication method not supported' },
  client_assertion_missing: { fr: 'Assertion du partenaire absente', en: 'Partner assertion missing' },
  client_id_mismatch: { fr: 'client_id différent de l\'émetteur de l\'assertion', en: 'client_id differs from the assertion issuer' },
  assertion_malformed: { fr: 'Assertion illisible', en: 'Malformed assertion' },
  assertion_algorithm_not_allowed: { fr: 'Algorithme de signature non accepté', en: 'Signature algorithm not allowed' },
  assertion_kid_missing: { fr: 'Identifiant de clé (kid) absent', en: 'Key id (kid) missing' },
  assertion_issuer_invalid: { fr: 'Émetteur de l\'assertion invalide', en: 'Invalid assertion issuer' },
  client_unknown: { fr: 'Partenaire inconnu (client_id)', en: 'Unknown partner (client_id)' },
  assertion_key_unknown: { fr: 'Clé de l\'assertion inconnue', en: 'Unknown assertion key' },
  assertion_signature_invalid: { fr: 'Signature de l\'assertion invalide', en: 'Invalid assertion signature' },
  assertion_audience_invalid: { fr: 'Destinataire (aud) de l\'assertion invalide', en: 'Invalid assertion audience' },
  assertion_expired: { fr: 'Assertion expirée', en: 'Assertion expired' },
  assertion_exp_missing: { fr: 'Expiration de l\'assertion absente', en: 'Assertion expiry missing' },
  assertion_lifetime_too_long: { fr: 'Durée de l\'assertion trop longue', en: 'Assertion lifetime too long' },
  assertion_not_yet_valid: { fr: 'Assertion datée dans le futur', en: 'Assertion dated in the future' },
  assertion_jti_missing: { fr: 'Identifiant unique (jti) de l\'assertion absent', en: 'Assertion jti missing' },
  assertion_replayed: { fr: 'Assertion déjà utilisée', en: 'Assertion replayed' },
  // Others.
  upload_aborted: { fr: 'Envoi interrompu', en: 'Upload aborted' },
  dev_seed: { fr: 'Partenaire de développement', en: 'Development partner' },
  account_erased: { fr: 'Compte supprimé par la personne', en: 'Account erased by the person' },
});

/** Returns the label of an action, or the code itself for an action missing from ACTION_LABELS. */
export function actionLabel(action: string, locale: Locale): string {
  return Object.hasOwn(ACTION_LABELS, action) ? ACTION_LABELS[action]![locale] : action;
}

/**
 * Returns the label of a reason code from REASON_LABELS, else the title of
 * the error with that code, else the code itself. Returns null for no reason.
 */
export function reasonLabel(reason: string | null, locale: Locale): string | null {
  if (reason === null) return null;
  if (Object.hasOwn(REASON_LABELS, reason)) return REASON_LABELS[reason as ExplicitReason][locale];
  if (Object.hasOwn(ERROR_CATALOG, reason)) return ERROR_CATALOG[reason as ErrorCode][locale].title;
  return reason;
}

/** Returns true when `reason` has a label of its own, not the code as a fallback. */
export function hasReasonLabel(reason: string): boolean {
  return Object.hasOwn(REASON_LABELS, reason) || Object.hasOwn(ERROR_CATALOG, reason);
}
