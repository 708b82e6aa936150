import winston from 'winston';

// Keys whose values must never reach a log line, whatever the caller passes:
// tokens, cookies, keys and document metadata. Matching is on the key name,
// case-insensitive, at any depth.
const REDACTED_KEYS = /(authorization|cookie|token|secret|password|assertion|key|title|filename|file_name|name|email|code_verifier|nonce|state)$/i;

function redact(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { name: value.name, message: value.message, code: (value as { code?: unknown }).code };
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));

  const copy: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    copy[key] = REDACTED_KEYS.test(key) ? '[redacted]' : redact(inner, depth + 1);
  }
  return copy;
}

const redactFormat = winston.format((info) => {
  for (const key of Object.keys(info)) {
    if (key === 'level' || key === 'message' || key === 'timestamp') continue;
    info[key] = REDACTED_KEYS.test(key) ? '[redacted]' : redact(info[key]);
  }
  return info;
});

/**
 * The application log: JSON lines on stdout with ids and codes only. The
 * audit log is a separate, chained record in the database, not this.
 */
export const logger = winston.createLogger({
  level: process.env.LOG_LEVEL ?? 'info',
  format: winston.format.combine(redactFormat(), winston.format.timestamp(), winston.format.json()),
  defaultMeta: { service: 'coffre' },
  transports: [new winston.transports.Console({ silent: process.env.COFFRE_SILENT_LOGS === 'true' })],
});

export function setLogLevel(level: string): void {
  logger.level = level;
}
