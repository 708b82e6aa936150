import path from 'node:path';

import { environmentSchema } from './config.schema.js';

/** Validated, frozen settings of one vault process. */
export interface Config {
  readonly env: 'development' | 'test' | 'production';
  readonly port: number;
  readonly listenHost: string;
  /** Reverse proxies whose X-Forwarded-For is trusted; 0 uses the socket address. */
  readonly trustedProxies: number;
  /** Base URL that browsers and partners use, without a trailing slash. */
  readonly publicUrl: string;
  readonly dataDir: string;
  readonly database: {
    /** Owner connection: runs migrations and grants. Unset means the embedded server. */
    readonly ownerUrl: string | undefined;
    /** Runtime connection; derived from the owner URL and the runtime role when unset. */
    readonly runtimeUrl: string | undefined;
    readonly runtimeRole: string;
    readonly poolSize: number;
    readonly connectTimeoutMs: number;
    readonly embeddedPort: number;
  };
  readonly masterKey: { readonly base64: string | undefined; readonly file: string };
  readonly maxUploadBytes: number;
  readonly oidc: {
    /** Unset issuer means the built-in development identity provider. */
    readonly issuer: string | undefined;
    readonly clientId: string | undefined;
    readonly clientSecret: string | undefined;
    readonly acrValues: string;
    readonly minAcr: 'eidas1' | 'eidas2' | 'eidas3';
    readonly scopes: string;
    readonly idTokenSigningAlg: string | undefined;
    readonly encryptionKeysFile: string | undefined;
    readonly devProvider: boolean;
    /** Signing and encryption profile of the development provider; ignored without it. */
    readonly devProviderProfile: 'basic' | 'franceconnect-plus';
    /** Requests per minute and client address on each of /auth/login and /auth/callback. */
    readonly signInRateLimitPerMinute: number;
    readonly rolesClaim: string | undefined;
    readonly dpoSubjects: readonly string[];
    readonly adminSubjects: readonly string[];
  };
  readonly session: { readonly idleMinutes: number; readonly absoluteHours: number };
  readonly grants: {
    /** Seconds between two runs of the job that records grant expiries in the audit log. */
    readonly expirySweepSeconds: number;
  };
  readonly audit: {
    /** Entries after which the chain head is signed again. */
    readonly checkpointEvery: number;
    /** Seconds after which a head with unsigned entries is signed again. */
    readonly checkpointSeconds: number;
    /** Milliseconds an append waits for the chain's lock before it fails. */
    readonly lockTimeoutMs: number;
  };
  readonly logLevel: 'error' | 'warn' | 'info' | 'debug';
}

/** A setting that stops the start; the message names the variable and the fix. */
export class ConfigError extends Error {
  constructor(readonly variable: string, message: string) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads and validates the settings from an environment (process.env by
 * default). Throws ConfigError on the first wrong value; never falls back
 * silently from a value that was given.
 */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = environmentSchema.safeParse(source);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0] ?? 'environment');
    throw new ConfigError(variable, `${issue.message} (got ${JSON.stringify(source[variable] ?? null)}); fix the value or unset it to use the default`);
  }
  const env = parsed.data;

  const dataDir = path.resolve(env.COFFRE_DATA_DIR);
  const publicUrl = (env.COFFRE_PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, '');
  const devProvider = env.COFFRE_DEV_IDP ?? env.COFFRE_OIDC_ISSUER === undefined;

  const config: Config = {
    env: env.NODE_ENV,
    port: env.PORT,
    listenHost: env.COFFRE_LISTEN_HOST,
    trustedProxies: env.COFFRE_TRUSTED_PROXIES,
    publicUrl,
    dataDir,
    database: {
      ownerUrl: env.DATABASE_URL,
      runtimeUrl: env.COFFRE_RUNTIME_DATABASE_URL,
      runtimeRole: env.COFFRE_DB_RUNTIME_ROLE,
      poolSize: env.COFFRE_DB_POOL_SIZE,
      connectTimeoutMs: env.COFFRE_DB_CONNECT_TIMEOUT_MS,
      embeddedPort: env.COFFRE_EMBEDDED_PG_PORT,
    },
    masterKey: {
      base64: env.COFFRE_MASTER_KEY,
      file: path.resolve(env.COFFRE_MASTER_KEY_FILE ?? path.join(dataDir, 'master-key.json')),
    },
    maxUploadBytes: env.COFFRE_MAX_UPLOAD_BYTES,
    oidc: {
      issuer: env.COFFRE_OIDC_ISSUER,
      clientId: env.COFFRE_OIDC_CLIENT_ID,
      clientSecret: env.COFFRE_OIDC_CLIENT_SECRET,
      acrValues: env.COFFRE_OIDC_ACR_VALUES,
      minAcr: env.COFFRE_OIDC_MIN_ACR,
      scopes: env.COFFRE_OIDC_SCOPES,
      idTokenSigningAlg: env.COFFRE_OIDC_ID_TOKEN_SIGNING_ALG,
      encryptionKeysFile: env.COFFRE_OIDC_ENCRYPTION_KEYS_FILE,
      devProvider,
      devProviderProfile: env.COFFRE_DEV_IDP_PROFILE ?? 'basic',
      signInRateLimitPerMinute: env.COFFRE_SIGN_IN_RATE_LIMIT_PER_MINUTE,
      rolesClaim: env.COFFRE_ROLES_CLAIM,
      dpoSubjects: env.COFFRE_DPO_SUBJECTS,
      adminSubjects: env.COFFRE_ADMIN_SUBJECTS,
    },
    session: { idleMinutes: env.COFFRE_SESSION_IDLE_MINUTES, absoluteHours: env.COFFRE_SESSION_ABSOLUTE_HOURS },
    grants: { expirySweepSeconds: env.COFFRE_GRANT_EXPIRY_SWEEP_SECONDS },
    audit: {
      checkpointEvery: env.COFFRE_CHECKPOINT_EVERY,
      checkpointSeconds: env.COFFRE_CHECKPOINT_SECONDS,
      lockTimeoutMs: env.COFFRE_AUDIT_LOCK_TIMEOUT_MS,
    },
    logLevel: env.LOG_LEVEL,
  };

  checkProductionRules(config);
  checkCoherence(config);
  if (env.COFFRE_DEV_IDP_PROFILE !== undefined && !devProvider) {
    throw new ConfigError('COFFRE_DEV_IDP_PROFILE', 'applies only to the development identity provider, which is off; unset it or set COFFRE_DEV_IDP=true');
  }
  return deepFreeze(config);
}

// Production must not run on development conveniences: they are safe only on
// one developer's machine.
function checkProductionRules(config: Config): void {
  if (config.env !== 'production') return;

  if (config.oidc.devProvider) {
    throw new ConfigError('COFFRE_DEV_IDP', 'the development identity provider is refused when NODE_ENV=production; set COFFRE_OIDC_ISSUER, COFFRE_OIDC_CLIENT_ID and COFFRE_DEV_IDP=false');
  }
  if (!config.database.ownerUrl) {
    throw new ConfigError('DATABASE_URL', 'the embedded PostgreSQL is for development only; set DATABASE_URL to the production server');
  }
  if (!config.publicUrl.startsWith('https://')) {
    throw new ConfigError('COFFRE_PUBLIC_URL', 'production needs an https:// address, because session cookies are Secure; set COFFRE_PUBLIC_URL');
  }
  if (config.masterKey.base64 === undefined && isInside(config.masterKey.file, config.dataDir)) {
    throw new ConfigError('COFFRE_MASTER_KEY_FILE', `the master key file ${config.masterKey.file} lies inside the data folder ${config.dataDir}; keep it on another volume or use COFFRE_MASTER_KEY from a secret store`);
  }
}

function checkCoherence(config: Config): void {
  if (!config.oidc.devProvider && (!config.oidc.issuer || !config.oidc.clientId)) {
    throw new ConfigError('COFFRE_OIDC_ISSUER', 'an external identity provider needs both COFFRE_OIDC_ISSUER and COFFRE_OIDC_CLIENT_ID; set them or set COFFRE_DEV_IDP=true');
  }
  if (config.oidc.devProvider && config.oidc.issuer) {
    throw new ConfigError('COFFRE_DEV_IDP', 'COFFRE_DEV_IDP=true and COFFRE_OIDC_ISSUER are both set; keep only one of them');
  }
}

function isInside(file: string, folder: string): boolean {
  const relative = path.relative(folder, file);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
