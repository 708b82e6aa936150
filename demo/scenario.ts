import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { parseAuditKeySet, verifyExportLines } from '../audit/offline-verify.js';
import { ApiError, PartnerApiClient, readPartnerKeyFile } from '../server/cli/partner-client/partner-api-client.js';
import { PersonClient, UnexpectedResponse } from './person-client.js';
import { runStep, type StepChecks, type StepOutcome } from './step-report.js';

/** Address of the vault, and its data folder with the seeded partner key files. */
export interface DemoSettings {
  baseUrl: string;
  dataDir: string;
}

// The specimens are data files of the test suite. The demo reads their bytes
// and imports no code from test/.
const FIXTURES = fileURLToPath(new URL('../test/fixtures/', import.meta.url));

const SPECIMENS = [
  { file: 'notification-rqth.pdf', category: 'decision_mdph', mediaType: 'application/pdf', title: 'Notification de la CDAPH – RQTH' },
  { file: 'notification-aah.pdf', category: 'decision_mdph', mediaType: 'application/pdf', title: 'Notification de la CDAPH – AAH' },
  { file: 'notification-pch.pdf', category: 'decision_mdph', mediaType: 'application/pdf', title: 'Notification de la CDAPH – PCH' },
  { file: 'dossier-mdph-complet.pdf', category: 'decision_mdph', mediaType: 'application/pdf', title: 'Dossier MDPH complet (24 pages)' },
  { file: 'certificat-medical-scan.jpg', category: 'medical', mediaType: 'image/jpeg', title: 'Certificat médical (scan)' },
  { file: 'photo-justificatif.png', category: 'other', mediaType: 'image/png', title: 'Photo d\'un justificatif' },
] as const;

type SpecimenFile = (typeof SPECIMENS)[number]['file'];

const CAP_EMPLOI = { slug: 'cap-emploi-de-nulle-part', name: 'Cap emploi de Nulle-Part' };
const CFA = { slug: 'cfa-des-essais', name: 'CFA des Essais' };
const RQTH: SpecimenFile = 'notification-rqth.pdf';
const BUNDLE: SpecimenFile = 'dossier-mdph-complet.pdf';
const PAGE_LIMIT = 200;

const CATEGORY_LABELS: Readonly<Record<string, string>> = { decision_mdph: 'décisions MDPH', medical: 'médical', other: 'autre' };
const STATUS_LABELS: Readonly<Record<string, string>> = { active: 'actif', revoked: 'révoqué', pending: 'en attente', approved: 'acceptée' };

interface DocumentView {
  id: string;
  category: string;
  title: string;
  fileName: string;
  sizeBytes: number;
}

interface GrantView {
  id: string;
  partner: { id: string; name: string };
  purpose: string;
  purposeLabel: string;
  categories: Array<{ code: string; label: string }>;
  startsAt: string;
  endsAt: string;
  revokedAt: string | null;
  status: string;
}

interface HistoryItem {
  kind: string;
  partner: { id: string; name: string } | null;
  purpose: string | null;
  purposeLabel: string | null;
  document: { id: string; title: string | null } | null;
  grantId: string | null;
  outcome: 'allow' | 'deny';
}

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Ids that this run created. Later steps use them, so a second run on the same vault checks only its own. */
interface RunState {
  camille?: PersonClient;
  documents: Map<SpecimenFile, string>;
  employmentGrantId?: string;
  trainingGrantId?: string;
  /** Cap emploi's client, set once step 3 has downloaded through the grant. */
  capEmploi?: PartnerApiClient;
  /** Whether step 5 saw the vault reject the download that followed the revocation. */
  revokedDownloadRejected: boolean;
}

/** Runs the eight steps in order and returns their outcomes. A step that needs a failed step's result fails as not run. */
export async function runScenario(settings: DemoSettings): Promise<StepOutcome[]> {
  const state: RunState = { documents: new Map(), revokedDownloadRejected: false };
  return [
    await runStep(1, 'Camille range ses six documents', (checks) => storeDocuments(settings, state, checks)),
    await runStep(2, 'Camille partage ses décisions MDPH avec Cap emploi', (checks) => shareDecisions(state, checks)),
    await runStep(3, 'Cap emploi télécharge deux documents partagés', (checks) => downloadAsPartner(settings, state, checks)),
    await runStep(4, 'Camille consulte l\'historique des accès', (checks) => readAccessHistory(state, checks)),
    await runStep(5, 'Camille révoque le partage', (checks) => revokeGrant(state, checks)),
    await runStep(6, 'Le CFA demande l\'accès avec un code de partage', (checks) => answerAccessRequest(settings, state, checks)),
    await runStep(7, 'Dominique ne voit rien des documents de Camille', (checks) => checkIsolation(settings, state, checks)),
    await runStep(8, 'Le DPO exporte et vérifie le journal d\'audit', (checks) => verifyAuditExport(settings, state, checks)),
  ];
}

async function storeDocuments(settings: DemoSettings, state: RunState, checks: StepChecks): Promise<string> {
  const camille = await PersonClient.signIn(settings.baseUrl, 'camille');
  state.camille = camille;
  checks.check(true, 'Camille est identifiée par le fournisseur d\'identité de développement');

  for (const specimen of SPECIMENS) {
    const data = fixture(specimen.file);
    const created = await camille.upload<DocumentView>(specimen.category, specimen.title, specimen.file, specimen.mediaType, data);
    state.documents.set(specimen.file, created.id);
    const stored = created.category === specimen.category && created.title === specimen.title && created.sizeBytes === data.length;
    checks.check(stored, `${specimen.file} → ${label(CATEGORY_LABELS, created.category)}, « ${created.title} », ${created.sizeBytes} octets`);
  }

  const listed = await listAll<DocumentView>(camille, '/api/v1/documents');
  const ids = new Set(listed.map((document) => document.id));
  checks.check([...state.documents.values()].every((id) => ids.has(id)), `les six documents figurent dans sa liste (${listed.length} documents en tout)`);
  return 'six documents rangés, chacun dans sa catégorie, avec un titre en français';
}

async function shareDecisions(state: RunState, checks: StepChecks): Promise<string> {
  const camille = needed(state.camille, 1);
  const { items: partners } = await camille.getJson<{ items: Array<{ id: string; name: string }> }>('/api/v1/partners');
  const partner = partners.find((candidate) => candidate.name === CAP_EMPLOI.name);
  if (!partner) throw new Error(`« ${CAP_EMPLOI.name} » n'est pas dans GET /api/v1/partners`);
  checks.check(true, `« ${partner.name} » figure dans l'annuaire des partenaires`);

  const endsAt = addMonths(new Date(), 3).toISOString();
  const grant = await camille.postJson<GrantView>('/api/v1/grants', { partnerId: partner.id, purpose: 'employment_support', categories: ['decision_mdph'], endsAt }, 201);
  state.employmentGrantId = grant.id;
  checks.check(grant.status === 'active', `partage ${grant.id} : ${label(STATUS_LABELS, grant.status)}`);
  checks.check(grant.purpose === 'employment_support', `finalité : ${grant.purposeLabel}`);
  checks.check(grant.categories.length === 1 && grant.categories[0]?.code === 'decision_mdph', `catégories : ${grant.categories.map((category) => category.label).join(', ')}`);
  checks.check(grant.endsAt === endsAt, `jusqu'au ${frenchDate(grant.endsAt)} (trois mois)`);
  return `décisions MDPH partagées avec ${partner.name} pour trois mois`;
}

async function downloadAsPartner(settings: DemoSettings, state: RunState, checks: StepChecks): Promise<string> {
  const grantId = needed(state.employmentGrantId, 2);
  const capEmploi = await partnerClient(settings, CAP_EMPLOI.slug);

  const grants = await listAllAsPartner<{ id: string; status: string; purpose: string }>(capEmploi, '/partner/v1/grants');
  checks.check(true, 'jeton obtenu avec la clé privée du partenaire (private_key_jwt)');
  const grant = grants.find((candidate) => candidate.id === grantId);
  checks.check(grant?.status === 'active' && grant.purpose === 'employment_support', `le partage ${grantId} figure parmi ses ${grants.length} partage(s) : ${grant ? label(STATUS_LABELS, grant.status) : 'absent'}`);

  const { items } = await capEmploi.json<{ items: DocumentView[] }>('GET', `/partner/v1/grants/${grantId}/documents`);
  const listed = new Set(items.map((document) => document.id));
  const decisions = SPECIMENS.filter((specimen) => specimen.category === 'decision_mdph').map((specimen) => state.documents.get(specimen.file));
  const others = SPECIMENS.filter((specimen) => specimen.category !== 'decision_mdph').map((specimen) => state.documents.get(specimen.file));
  checks.check(decisions.every((id) => id !== undefined && listed.has(id)), 'le partage couvre les quatre décisions MDPH de Camille');
  checks.check(others.every((id) => id !== undefined && !listed.has(id)), 'ni le certificat médical ni la photo ne sont visibles');

  for (const file of [RQTH, BUNDLE]) {
    const digest = await downloadDigest(capEmploi, grantId, needed(state.documents.get(file), 1));
    checks.check(digest === sha256(fixture(file)), `${file} téléchargé, SHA-256 identique à l'original (${digest.slice(0, 16)}…)`);
  }
  state.capEmploi = capEmploi;
  return 'notification RQTH et dossier de 24 pages téléchargés à l\'identique';
}

async function readAccessHistory(state: RunState, checks: StepChecks): Promise<string> {
  const camille = needed(state.camille, 1);
  const grantId = needed(state.employmentGrantId, 2);
  needed(state.capEmploi, 3);
  const response = await camille.fetch('GET', `/api/v1/access-history?limit=${PAGE_LIMIT}`);
  if (response.status === 404) {
    throw new Error('non disponible : GET /api/v1/access-history répond 404, l\'historique des accès n\'est pas en service sur ce coffre');
  }
  await response.body?.cancel();

  const history = await listAll<HistoryItem>(camille, '/api/v1/access-history');
  const reads = history.filter((item) => item.grantId === grantId && item.kind === 'document_download');
  const expected = new Set([state.documents.get(RQTH), state.documents.get(BUNDLE)]);
  checks.check(reads.length === 2, `${reads.length} téléchargement(s) enregistré(s) pour ce partage (2 attendus)`);
  for (const read of reads) {
    const matches = read.outcome === 'allow' && read.partner?.name === CAP_EMPLOI.name && read.purpose === 'employment_support' && expected.has(read.document?.id);
    checks.check(matches, `${read.partner?.name ?? '?'} a téléchargé « ${read.document?.title ?? '?'} » – finalité : ${read.purposeLabel ?? '?'}`);
  }
  checks.check(new Set(reads.map((read) => read.document?.id)).size === 2, 'ce sont bien la notification RQTH et le dossier complet, une fois chacun');
  return 'l\'historique montre les deux téléchargements, avec leur finalité';
}

async function revokeGrant(state: RunState, checks: StepChecks): Promise<string> {
  const camille = needed(state.camille, 1);
  const grantId = needed(state.employmentGrantId, 2);
  const capEmploi = needed(state.capEmploi, 3);

  const revoked = await camille.postJson<GrantView>(`/api/v1/grants/${grantId}/revoke`, {});
  checks.check(revoked.status === 'revoked' && revoked.revokedAt !== null, `partage ${grantId} : ${label(STATUS_LABELS, revoked.status)}`);

  try {
    await downloadDigest(capEmploi, grantId, needed(state.documents.get(RQTH), 1));
    checks.check(false, 'le partenaire a encore pu télécharger la notification RQTH');
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    state.revokedDownloadRejected = error.status === 403 && error.code === 'grant_revoked';
    checks.check(state.revokedDownloadRejected, `téléchargement suivant refusé : HTTP ${error.status} ${error.code} – ${error.message}`);
  }
  return 'partage révoqué, le téléchargement suivant est refusé (403 grant_revoked)';
}

async function answerAccessRequest(settings: DemoSettings, state: RunState, checks: StepChecks): Promise<string> {
  const camille = needed(state.camille, 1);
  const rqthId = needed(state.documents.get(RQTH), 1);

  const sharingCode = await camille.postJson<{ code: string; expiresAt: string }>('/api/v1/sharing-codes', {}, 201);
  checks.check(sharingCode.code !== '', `code de partage créé, valable jusqu'à ${frenchTime(sharingCode.expiresAt)}`);

  const cfa = await partnerClient(settings, CFA.slug);
  const request = await cfa.json<{ id: string; status: string }>('POST', '/partner/v1/access-requests', {
    sharingCode: sharingCode.code,
    purpose: 'training_access',
    categories: ['decision_mdph'],
    requestedDurationDays: 90,
    message: 'Bonjour, pour votre inscription en formation.',
  });
  checks.check(request.status === 'pending', `demande ${request.id} du ${CFA.name} : ${label(STATUS_LABELS, request.status)}`);

  const endsAt = addMonths(new Date(), 1).toISOString();
  const approved = await camille.postJson<{ request: { status: string }; grant: GrantView }>(`/api/v1/access-requests/${request.id}/approve`, { endsAt });
  state.trainingGrantId = approved.grant.id;
  checks.check(approved.request.status === 'approved', `Camille accepte : ${approved.grant.purposeLabel}`);
  checks.check(approved.grant.status === 'active' && approved.grant.endsAt === endsAt, `partage ${approved.grant.id} jusqu'au ${frenchDate(approved.grant.endsAt)} (un mois au lieu des trois demandés)`);

  const status = await cfa.json<{ status: string; grantId: string | null }>('GET', `/partner/v1/access-requests/${request.id}`);
  checks.check(status.grantId === approved.grant.id, `le ${CFA.name} voit sa demande acceptée et le partage créé`);
  const digest = await downloadDigest(cfa, approved.grant.id, rqthId);
  checks.check(digest === sha256(fixture(RQTH)), `${RQTH} téléchargé par le ${CFA.name}, SHA-256 identique`);
  return 'demande acceptée pour un mois, le CFA lit la notification RQTH';
}

async function checkIsolation(settings: DemoSettings, state: RunState, checks: StepChecks): Promise<string> {
  const documents = needed(state.documents.size === SPECIMENS.length ? state.documents : undefined, 1);
  const dominique = await PersonClient.signIn(settings.baseUrl, 'dominique');
  checks.check(dominique.accountId !== state.camille?.accountId, 'Dominique est identifiée, avec un autre compte que Camille');

  for (const [file, id] of documents) {
    const metadata = await dominique.fetch('GET', `/api/v1/documents/${id}`);
    const content = await dominique.fetch('GET', `/api/v1/documents/${id}/content`);
    await Promise.all([metadata.body?.cancel(), content.body?.cancel()]);
    checks.check(metadata.status === 404 && content.status === 404, `${file} : HTTP ${metadata.status} sur la fiche, ${content.status} sur le contenu`);
  }
  for (const grantId of [state.employmentGrantId, state.trainingGrantId].filter((id) => id !== undefined)) {
    const grant = await dominique.fetch('GET', `/api/v1/grants/${grantId}`);
    await grant.body?.cancel();
    checks.check(grant.status === 404, `partage ${grantId} de Camille : HTTP ${grant.status}`);
  }

  const listed = await listAll<DocumentView>(dominique, '/api/v1/documents');
  const camilleIds = new Set(documents.values());
  const leaked = listed.filter((document) => camilleIds.has(document.id));
  checks.check(leaked.length === 0, listed.length === 0 ? 'sa liste de documents est vide' : `sa liste ne contient que ses ${listed.length} documents à elle`);
  return 'chaque identifiant répond 404, aucun document de Camille n\'est listé';
}

async function verifyAuditExport(settings: DemoSettings, state: RunState, checks: StepChecks): Promise<string> {
  const dpo = await PersonClient.signIn(settings.baseUrl, 'dpo');
  checks.check(true, 'le DPO est identifié');

  const exported = await dpo.fetch('GET', '/dpo/v1/audit/export?format=jsonl');
  const keys = await fetch(new URL('/.well-known/coffre/audit-keys', settings.baseUrl));
  for (const [route, response] of [['GET /dpo/v1/audit/export', exported], ['GET /.well-known/coffre/audit-keys', keys]] as const) {
    if (response.status === 404) throw new Error(`non disponible : ${route} répond 404, l'export vérifiable n'est pas en service sur ce coffre`);
    if (response.status !== 200) throw new UnexpectedResponse(response.status, 'unknown', `${route} : HTTP ${response.status} au lieu de 200`);
  }
  const lines = (await exported.text()).split('\n');
  const keySet = parseAuditKeySet(await keys.text());

  const report = await verifyExportLines(lines, keySet);
  checks.check(report.valid, report.valid ? `export valide : ${report.entriesChecked} entrées chaînées, ${report.checkpointsChecked} point(s) de contrôle signé(s) vérifié(s) avec ${keySet.keys.length} clé(s) publique(s)` : `export invalide : ${report.failure?.kind} à l'entrée ${report.failure?.seq} (${report.failure?.detail})`);
  // NOTE: on a vault started less than COFFRE_CHECKPOINT_SECONDS ago the export
  // has no checkpoint yet, so the published keys verify nothing and the step
  // passes on the hash chain alone. The note below prints this in the output.
  if (report.checkpointsChecked === 0) {
    checks.note('Aucun point de contrôle n\'est encore signé : l\'export est cohérent, mais il sera signé au prochain point de contrôle (COFFRE_CHECKPOINT_SECONDS, 60 s par défaut).');
  }

  if (state.capEmploi === undefined) {
    checks.note('Téléchargements de Cap emploi non recherchés dans le journal, car l\'étape 3 n\'a pas abouti.');
  } else {
    const downloads = countEntries(lines, (entry) => entry.action === 'partner.document.download' && entry.grantId === state.employmentGrantId);
    const expectedDenials = state.revokedDownloadRejected ? 1 : 0;
    const found = downloads.allow === 2 && downloads.deny === expectedDenials;
    checks.check(found, `le journal contient les téléchargements de ce partage : ${downloads.allow} autorisé(s), ${downloads.deny} refusé(s) après révocation`);
  }
  return 'export JSON Lines vérifié hors ligne : valide';
}

/** Returns the French label of a code, or the code itself when it has none here. */
function label(labels: Readonly<Record<string, string>>, code: string): string {
  return labels[code] ?? code;
}

/** Fails a step that needs the result of an earlier step that did not succeed. */
function needed<T>(value: T | undefined, step: number): T {
  if (value === undefined) throw new Error(`non exécutée : l'étape ${step} n'a pas abouti`);
  return value;
}

function fixture(file: string): Buffer {
  return readFileSync(path.join(FIXTURES, file));
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Builds a partner's client from the key file that the vault seeded in its data folder. */
async function partnerClient(settings: DemoSettings, slug: string): Promise<PartnerApiClient> {
  const file = path.join(settings.dataDir, 'dev-partners', `${slug}.json`);
  try {
    return new PartnerApiClient(settings.baseUrl, await readPartnerKeyFile(file));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`fichier de clé du partenaire illisible (${reason}). COFFRE_DATA_DIR doit désigner le dossier de données du coffre lancé avec npm start.`);
  }
}

/** Downloads a document through a grant and returns the SHA-256 of its bytes. Throws ApiError on a refusal. */
async function downloadDigest(client: PartnerApiClient, grantId: string, documentId: string): Promise<string> {
  const response = await client.request('GET', `/partner/v1/grants/${grantId}/documents/${documentId}/content`);
  return sha256(Buffer.from(await response.arrayBuffer()));
}

/** Reads every page of a person's cursor-paginated list. */
async function listAll<T>(client: PersonClient, route: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
    const page: Page<T> = await client.getJson<Page<T>>(`${route}?limit=${PAGE_LIMIT}${query}`);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return items;
}

/** Reads every page of a partner's cursor-paginated list. */
async function listAllAsPartner<T>(client: PartnerApiClient, route: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
    const page: Page<T> = await client.json<Page<T>>('GET', `${route}?limit=${PAGE_LIMIT}${query}`);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return items;
}

/** Counts the allowed and denied entries of an export that match `select`, from their canonical JSON. */
function countEntries(lines: readonly string[], select: (entry: Record<string, unknown>) => boolean): { allow: number; deny: number } {
  const counts = { allow: 0, deny: 0 };
  for (const line of lines) {
    if (line.trim() === '') continue;
    const parsed = JSON.parse(line) as { type?: string; canonical?: string };
    if (parsed.type !== 'entry' || parsed.canonical === undefined) continue;
    const entry = JSON.parse(parsed.canonical) as Record<string, unknown>;
    if (!select(entry)) continue;
    if (entry.outcome === 'allow') counts.allow += 1;
    else counts.deny += 1;
  }
  return counts;
}

/** Adds calendar months in UTC, as a person counts "three months from today". */
function addMonths(date: Date, months: number): Date {
  const result = new Date(date);
  result.setUTCMonth(result.getUTCMonth() + months);
  return result;
}

function frenchDate(iso: string): string {
  return new Date(iso).toLocaleDateString('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/Paris' });
}

function frenchTime(iso: string): string {
  return new Date(iso).toLocaleTimeString('fr-FR', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Paris' });
}
