import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { REASON_CODES } from '../../policies/reason-codes.js';
import { ERROR_CATALOG } from '../../server/errors/error-catalog.js';
import { ACTION_LABELS, REASON_LABELS, actionLabel, hasReasonLabel, reasonLabel } from '../../server/dpo/audit-labels.js';

// The journal labels every action and reason code that the server records.
// tsc checks the codes typed in policies/, the sign-in, the token endpoint
// and the partner authentication, through the type of REASON_LABELS. This
// file collects the codes written as literals from the source.

const SERVER = fileURLToPath(new URL('../../server/', import.meta.url));
const DOTTED_CODE = /'([a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+)'/g;
const LITERAL_REASON = /reason(?:\s*\?\?|:)\s*'([a-z][a-z0-9_]*)'/g;

function* sourceFiles(directory: string): Generator<string> {
  for (const name of readdirSync(directory)) {
    const full = path.join(directory, name);
    if (statSync(full).isDirectory()) yield* sourceFiles(full);
    else if (full.endsWith('.ts')) yield full;
  }
}

/** Collects dotted codes on lines that mention an action, and literal reason codes, from every file under server/. */
function collectCodes(): { actions: Map<string, string>; reasons: Map<string, string> } {
  const actions = new Map<string, string>();
  const reasons = new Map<string, string>();
  for (const file of sourceFiles(SERVER)) {
    const where = path.relative(SERVER, file);
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (/action/i.test(line)) {
        for (const match of line.matchAll(DOTTED_CODE)) {
          // A one-letter first segment is a SQL table alias (`e.action`), not an action.
          if (!/^[a-z]\./.test(match[1]!)) actions.set(match[1]!, where);
        }
      }
      for (const match of line.matchAll(LITERAL_REASON)) reasons.set(match[1]!, where);
    }
  }
  return { actions, reasons };
}

describe('audit labels', () => {
  const { actions, reasons } = collectCodes();

  it('finds the actions of the server', () => {
    expect([...actions.keys()]).toEqual(expect.arrayContaining(['auth.sign_in', 'document.download', 'partner.document.download', 'grant.expire', 'audit.search']));
  });

  it('label every action written under server/', () => {
    const missing = [...actions].filter(([action]) => !Object.hasOwn(ACTION_LABELS, action)).map(([action, file]) => `${action} (${file})`);
    expect(missing).toEqual([]);
  });

  it('label every literal reason code written under server/', () => {
    const missing = [...reasons].filter(([reason]) => !hasReasonLabel(reason)).map(([reason, file]) => `${reason} (${file})`);
    expect(missing).toEqual([]);
  });

  it('label every policy reason code explicitly', () => {
    for (const code of REASON_CODES) expect(Object.hasOwn(REASON_LABELS, code)).toBe(true);
  });

  it('label every error code used as a reason', () => {
    for (const code of Object.keys(ERROR_CATALOG)) expect(reasonLabel(code, 'fr')).not.toBe(code);
  });

  it('have French and English text', () => {
    for (const label of [...Object.values(ACTION_LABELS), ...Object.values(REASON_LABELS)]) {
      expect(label.fr.trim()).not.toBe('');
      expect(label.en.trim()).not.toBe('');
    }
    expect(actionLabel('document.download', 'fr')).toBe('Téléchargement d\'un document');
    expect(actionLabel('document.download', 'en')).toBe('Document download');
    expect(reasonLabel('grant_revoked', 'en')).toBe('Grant revoked');
    expect(reasonLabel(null, 'fr')).toBeNull();
  });
});
