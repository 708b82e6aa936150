import type { VerificationFailureKind } from '../../../audit/verification-report.js';
import type { VerificationView } from '../../audit/audit-verification.service.js';
import { escapeHtml } from '../../identity/html-page.js';
import { breakableHtml } from './breakable-text.js';
import { formatParisTime } from './paris-time.js';

/** Path of the DPO's verification page. */
export const VERIFICATION_PAGE_PATH = '/dpo/verification';

/** Meaning of each kind of verification failure, in the DPO's words. */
const FAILURE_LABELS: Readonly<Record<VerificationFailureKind, string>> = {
  hash_mismatch: 'Empreinte différente : une entrée a été modifiée, insérée ou déplacée.',
  sequence_gap: 'Entrée manquante : une entrée a été supprimée.',
  entry_mismatch: 'Entrée incohérente : son contenu ne correspond pas aux colonnes enregistrées, ou sa date précède celle de l\'entrée précédente.',
  unknown_chain: 'Chaîne inconnue : une entrée ou un point de contrôle appartient à une chaîne que le journal n\'utilise pas.',
  checkpoint_mismatch: 'Point de contrôle différent : des entrées signées ont été modifiées, ou des entrées ont été supprimées à la fin du journal.',
  bad_signature: 'Signature invalide : la signature d\'un point de contrôle ne correspond pas aux clés publiées.',
};

/**
 * Renders the content of the verification page: the verdict, what was
 * checked, the verified head and the latest signed checkpoint, and on
 * failure the first entry or checkpoint that does not match.
 */
export function verificationPageHtml(view: VerificationView): string {
  const parts = ['<h1>Vérification du journal d\'audit</h1>'];
  if (view.valid) {
    parts.push(
      '<div class="fr-alert fr-alert--success fr-mb-4w">',
      '<h2 class="fr-alert__title">Le journal est intègre</h2>',
      '<p>Chaque entrée et chaque point de contrôle signé correspondent : aucune entrée n\'a été modifiée, insérée, supprimée ou déplacée.</p>',
      '</div>',
    );
  } else {
    const failure = view.failure;
    parts.push(
      '<div class="fr-alert fr-alert--error fr-mb-4w">',
      '<h2 class="fr-alert__title">Le journal ne correspond plus à sa chaîne d\'empreintes</h2>',
      failure
        ? `<p>Première anomalie à l'entrée n° ${failure.seq} de la chaîne ${failure.chain} : ${escapeHtml(FAILURE_LABELS[failure.kind])}</p><p>Détail technique : <span lang="en">${escapeHtml(failure.detail)}</span></p>`
        : '<p>La vérification a échoué sans désigner d\'entrée.</p>',
      '<p>Conservez un export du journal et prévenez l\'équipe d\'exploitation.</p>',
      '</div>',
    );
  }

  parts.push('<h2>Ce qui a été vérifié</h2>', '<dl class="coffre-facts">');
  parts.push(fact('Entrées vérifiées', String(view.entriesChecked)));
  parts.push(fact('Points de contrôle vérifiés', String(view.checkpointsChecked)));
  parts.push(fact('Chaînes vérifiées', view.heads.length === 0 ? 'aucune : le journal est vide' : `${view.heads.length} sur 32`));
  parts.push(fact('Dernière entrée vérifiée', view.head === null ? 'aucune : le journal est vide' : `n° ${view.head.seq} de la chaîne ${view.head.chain}, empreinte <code>${breakableHtml(view.head.hash)}</code>`));
  if (!view.valid && view.failure) parts.push(fact('Type d\'anomalie', `<code>${escapeHtml(view.failure.kind)}</code>`));
  parts.push('</dl>');

  parts.push('<h2>Dernier point de contrôle signé</h2>');
  const checkpoint = view.latestCheckpoint;
  if (checkpoint === null) {
    parts.push('<p>Aucun point de contrôle n\'a encore été signé. Le prochain est écrit automatiquement après un nombre d\'entrées ou un délai fixés par l\'exploitation.</p>');
  } else {
    parts.push(
      '<dl class="coffre-facts">',
      fact('Entrée signée', `n° ${checkpoint.seq} de la chaîne ${checkpoint.chain}`),
      fact('Date de signature', `<time datetime="${escapeHtml(checkpoint.time)}">${escapeHtml(formatParisTime(checkpoint.time))}</time>`),
      fact('Empreinte signée', `<code>${breakableHtml(checkpoint.headHash)}</code>`),
      fact('Clé de signature', `<code>${breakableHtml(checkpoint.keyId)}</code>`),
      '</dl>',
    );
  }

  parts.push(
    '<h2>Limites de la vérification</h2>',
    '<p>Une suppression d\'entrées après le dernier point de contrôle ne se voit qu\'en comparant avec un point de contrôle conservé ailleurs, par exemple dans un export précédent. Cette vérification a elle-même été enregistrée dans le journal : la prochaine vérification la couvrira.</p>',
    '<p><a class="fr-link" href="/dpo/export">Exporter le journal pour le vérifier hors du coffre</a></p>',
  );
  return parts.join('\n');
}

// The value is already escaped HTML.
function fact(term: string, valueHtml: string): string {
  return `<dt>${escapeHtml(term)}</dt><dd>${valueHtml}</dd>`;
}
