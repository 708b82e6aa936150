import { describe, expect, it } from 'vitest';

import type { VerificationView } from '../../server/audit/audit-verification.service.js';
import { verificationPageHtml } from '../../server/web/dpo/verification-page.js';

const HASH = 'a'.repeat(64);

describe('verification page content', () => {
  it('shows a valid chain without checkpoint', () => {
    const view: VerificationView = { valid: true, entriesChecked: 12, checkpointsChecked: 0, head: { chain: 0, seq: 12, hash: HASH }, heads: [{ chain: 0, seq: 12, hash: HASH }], latestCheckpoint: null };
    const html = verificationPageHtml(view).replaceAll('<wbr>', '');
    expect(html).toContain('Le journal est intègre');
    expect(html).toContain('<dt>Entrées vérifiées</dt><dd>12</dd>');
    expect(html).toContain('<dt>Points de contrôle vérifiés</dt><dd>0</dd>');
    expect(html).toContain(`n° 12 de la chaîne 0, empreinte <code>${HASH}</code>`);
    expect(html).toContain('<dt>Chaînes vérifiées</dt><dd>1 sur 32</dd>');
    expect(html).toContain("Aucun point de contrôle n'a encore été signé.");
  });

  it('shows an empty journal', () => {
    const html = verificationPageHtml({ valid: true, entriesChecked: 0, checkpointsChecked: 0, head: null, heads: [], latestCheckpoint: null });
    expect(html).toContain('aucune : le journal est vide');
  });

  it('names the first mismatch and its kind', () => {
    const view: VerificationView = {
      valid: false,
      entriesChecked: 6,
      checkpointsChecked: 1,
      head: { chain: 0, seq: 6, hash: HASH },
      heads: [],
      failure: { kind: 'sequence_gap', chain: 0, seq: 7, detail: 'entry 7 is missing <b>' },
      latestCheckpoint: { chain: 0, seq: 5, headHash: HASH, time: '2026-07-14T10:00:00.000Z', keyId: 'cle-1' },
    };
    const html = verificationPageHtml(view);
    expect(html).not.toContain('Le journal est intègre');
    expect(html).toContain("Première anomalie à l'entrée n° 7 de la chaîne 0 : Entrée manquante");
    expect(html).toContain('<span lang="en">entry 7 is missing &lt;b&gt;</span>');
    expect(html).toContain('<dt>Type d&#39;anomalie</dt><dd><code>sequence_gap</code></dd>');
    expect(html).toContain('<dt>Entrée signée</dt><dd>n° 5 de la chaîne 0</dd>');
    expect(html).toContain('14 juillet 2026 à 12:00:00');
  });
});
