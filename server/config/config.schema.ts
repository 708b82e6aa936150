import { z } from 'zod';

// Every setting comes from one environment variable; the variable's name is
// the key, so a validation error can name it as the operator typed it.

const booleanFlag = z
  .enum(['true', 'false', '1', '0'])
  .transform((value) => value === 'true' || value === '1');

const positiveInt = z.coerce.number().int().positive();

const commaList = z
  .string()
  .transform((value) => value.split(',').map((item) => item.trim()).filter((item) => item.length > 0));

export const environmentSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  COFFRE_LISTEN_HOST: z.string().min(1).default('127.0.0.1'),
  // Number of reverse proxies in front of the vault whose X-Forwarded-For
  // is trusted for the client address (rate limits, audit source address).
  COFFRE_TRUSTED_PROXIES: z.coerce.number().int().min(0).max(10).default(0),
  COFFRE_PUBLIC_URL: z.string().url().optional(),
  COFFRE_DATA_DIR: z.string().min(1).default('./var'),

  DATABASE_URL: z.string().url().optional(),
  COFFRE_RUNTIME_DATABASE_URL: z.string().url().optional(),
  COFFRE_DB_RUNTIME_ROLE: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'lowercase letters, digits and underscores, starting with a letter')
    .default('coffre_runtime'),
  COFFRE_DB_POOL_SIZE: positiveInt.max(100).default(10),
  COFFRE_DB_CONNECT_TIMEOUT_MS: positiveInt.default(5000),
  COFFRE_EMBEDDED_PG_PORT: z.coerce.number().int().min(1024).max(65535).default(54329),

  COFFRE_MASTER_KEY: z.string().optional(),
  COFFRE_MASTER_KEY_FILE: z.string().min(1).optional(),

  COFFRE_MAX_UPLOAD_BYTES: positiveInt.default(50 * 1024 * 1024),

  COFFRE_OIDC_ISSUER: z.string().url().optional(),
  COFFRE_OIDC_CLIENT_ID: z.string().min(1).optional(),
  COFFRE_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  COFFRE_OIDC_ACR_VALUES: z.string().min(1).default('eidas2'),
  COFFRE_OIDC_MIN_ACR: z.enum(['eidas1', 'eidas2', 'eidas3']).default('eidas2'),
  COFFRE_OIDC_SCOPES: z.string().min(1).default('openid'),
  COFFRE_OIDC_ID_TOKEN_SIGNING_ALG: z.string().min(1).optional(),
  COFFRE_OIDC_ENCRYPTION_KEYS_FILE: z.string().min(1).optional(),
  COFFRE_DEV_IDP: booleanFlag.optional(),
  // 'franceconnect-plus' makes the development provider sign with ES256 and encrypt ID
  // tokens and userinfo to the vault, as FranceConnect+ does; 'basic' (the default) signs
  // with RS256 and does not encrypt.
  COFFRE_DEV_IDP_PROFILE: z.enum(['basic', 'franceconnect-plus']).optional(),
  // Requests per minute and client address, on /auth/login and on /auth/callback each.
  COFFRE_SIGN_IN_RATE_LIMIT_PER_MINUTE: positiveInt.max(100_000).default(30),
  COFFRE_ROLES_CLAIM: z.string().min(1).optional(),
  COFFRE_DPO_SUBJECTS: commaList.default(''),
  COFFRE_ADMIN_SUBJECTS: commaList.default(''),

  COFFRE_SESSION_IDLE_MINUTES: positiveInt.max(24 * 60).default(30),
  COFFRE_SESSION_ABSOLUTE_HOURS: positiveInt.max(7 * 24).default(12),

  // Seconds between two runs of the job that records grant expiries in the audit log.
  COFFRE_GRANT_EXPIRY_SWEEP_SECONDS: positiveInt.max(86_400).default(30),

  // The audit chain's head is signed every COFFRE_CHECKPOINT_EVERY entries and,
  // when entries were added, every COFFRE_CHECKPOINT_SECONDS seconds.
  COFFRE_CHECKPOINT_EVERY: positiveInt.max(1_000_000).default(1000),
  COFFRE_CHECKPOINT_SECONDS: positiveInt.max(86_400).default(60),
  // Milliseconds an audit append waits for the chain's lock before its request fails with 503.
  COFFRE_AUDIT_LOCK_TIMEOUT_MS: positiveInt.max(600_000).default(5000),

  LOG_LEVEL: z.enum(['error', 'warn', 'info', 'debug']).default('info'),
});

export type Environment = z.infer<typeof environmentSchema>;
