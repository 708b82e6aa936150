import type { z } from 'zod';

import { AppError } from '../errors/app-error.js';

/**
 * Parses a JSON body with a zod schema. The first issue becomes a
 * `validation_failed` naming its field, with zod's English message as the
 * reason. The value itself is never echoed, because it may be personal data.
 */
export function parseBody<T extends z.ZodTypeAny>(schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;

  const issue = result.error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.join('.').slice(0, 60) : 'body';
  const unknownKeys = issue?.code === 'unrecognized_keys' ? issue.keys.join(', ').slice(0, 60) : null;
  throw new AppError('validation_failed', {
    field: unknownKeys ?? field,
    reason: unknownKeys ? 'champ inconnu' : 'valeur absente, de mauvais type ou hors limites',
    reasonEn: unknownKeys ? 'unknown field' : (issue?.message ?? 'invalid value'),
  });
}
