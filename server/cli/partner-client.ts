/**
 * A partner's command-line client of the vault, for development and tests.
 *
 *   npm run partner:client -- --key var/dev-partners/cap-emploi-de-nulle-part.json [--url http://localhost:3000] COMMAND
 *
 * Commands:
 *   grants                          list the grants made to the partner
 *   documents GRANT_ID              list the documents a grant covers now
 *   download GRANT_ID [--out DIR]   download them all; prints name, size and SHA-256
 *   request --code CODE --purpose PURPOSE --categories C1,C2 [--days N] [--purpose-text TEXT] [--message TEXT]
 *   request-status REQUEST_ID       status of an access request, and its grant once approved
 *
 * A refusal prints the vault's problem detail (in French) and exits with 1.
 */
import { parseCliArguments, type CliArguments } from './partner-client/cli-arguments.js';
import { downloadGrantDocuments } from './partner-client/download-documents.js';
import { ApiError, PartnerApiClient, readPartnerKeyFile } from './partner-client/partner-api-client.js';

const USAGE = [
  'usage: partner-client --key KEY_FILE [--url URL] COMMAND',
  '  grants                      list the grants made to this partner (id, status, purpose, start, end, pseudonymous person reference)',
  '  documents GRANT_ID          list the documents a grant covers now',
  '  download GRANT_ID [--out DIR]',
  '                              download every document of a grant into DIR (default: the current folder), printing name, size and SHA-256',
  '  request --code CODE --purpose PURPOSE --categories C1,C2 [--days N]',
  '                              ask a person for documents with the sharing code they gave you',
  '  request-status REQUEST_ID   show whether the person approved or refused a request',
].join('\n');

async function run(args: CliArguments): Promise<void> {
  const keyFile = args.options.get('key');
  const [command, target] = args.positional;
  if (!keyFile || !command) throw new UsageError(USAGE);

  const client = new PartnerApiClient(args.options.get('url') ?? 'http://localhost:3000', await readPartnerKeyFile(keyFile));
  switch (command) {
    case 'grants': {
      const { items } = await client.json<{ items: Array<Record<string, string>> }>('GET', '/partner/v1/grants');
      console.log(['id', 'status', 'purpose', 'startsAt', 'endsAt', 'personRef'].join('\t'));
      for (const grant of items) console.log([grant.id, grant.status, grant.purpose, grant.startsAt, grant.endsAt, grant.personRef].join('\t'));
      return;
    }
    case 'documents': {
      const grantId = required(target, 'documents needs GRANT_ID');
      const { items } = await client.json<{ items: Array<Record<string, string | number>> }>('GET', `/partner/v1/grants/${encodeURIComponent(grantId)}/documents`);
      for (const document of items) console.log([document.id, document.category, document.sizeBytes, document.fileName, document.title].join('\t'));
      return;
    }
    case 'download': {
      const grantId = required(target, 'download needs GRANT_ID');
      const files = await downloadGrantDocuments(client, grantId, args.options.get('out') ?? '.');
      for (const file of files) console.log([file.fileName, file.sizeBytes, file.sha256].join('\t'));
      return;
    }
    case 'request': {
      const days = args.options.get('days');
      const body = {
        sharingCode: required(args.options.get('code'), 'request needs --code'),
        purpose: required(args.options.get('purpose'), 'request needs --purpose'),
        categories: (args.options.get('categories') ?? '').split(',').map((item) => item.trim()).filter((item) => item !== ''),
        ...(days !== undefined ? { requestedDurationDays: Number(days) } : {}),
        ...(args.options.has('purpose-text') ? { purposeText: args.options.get('purpose-text') } : {}),
        ...(args.options.has('message') ? { message: args.options.get('message') } : {}),
      };
      console.log(JSON.stringify(await client.json('POST', '/partner/v1/access-requests', body), null, 2));
      return;
    }
    case 'request-status': {
      const requestId = required(target, 'request-status needs REQUEST_ID');
      console.log(JSON.stringify(await client.json('GET', `/partner/v1/access-requests/${encodeURIComponent(requestId)}`), null, 2));
      return;
    }
    default:
      throw new UsageError(`unknown command ${command}\n${USAGE}`);
  }
}

class UsageError extends Error {}

function required(value: string | undefined, message: string): string {
  if (value === undefined || value === '') throw new UsageError(`${message}\n${USAGE}`);
  return value;
}

try {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
  } else {
    await run(parseCliArguments(argv));
  }
} catch (error) {
  if (error instanceof ApiError) {
    console.error(`Erreur ${error.status} (${error.code}) – ${error.message}`);
  } else {
    console.error(error instanceof Error ? error.message : String(error));
  }
  process.exitCode = 1;
}
