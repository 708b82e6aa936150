import { csrfField, errorFor, errorSummary, choiceFieldset, type FormErrors } from '../forms.js';
import { html, type SafeHtml } from '../html.js';

/** State of the erasure page: the form, or the new sign-in it needs first, and the form's errors. */
export interface ErasurePageState {
  csrfToken: string;
  /** False when the sign-in is five minutes old or more, which the erasure refuses. */
  recentSignIn: boolean;
  errors: FormErrors;
}

const REAUTH_URL = `/auth/login?returnTo=${encodeURIComponent('/compte/supprimer')}&reauth=1`;

/** Renders "Mon compte": the export of the whole vault, and the erasure of the account. */
export function accountPage(): SafeHtml {
  return html`<h1>Mon compte</h1>
<h2>Récupérer tout mon coffre</h2>
<p>Vous pouvez télécharger en une fois tout ce que le coffre garde pour vous, dans un fichier ZIP :</p>
<ul>
<li>chaque document, sous son nom d'origine ;</li>
<li>la liste de vos documents, de vos partages et des demandes d'accès ;</li>
<li>l'historique des accès à vos documents ;</li>
<li>un fichier « LISEZ-MOI.txt » qui explique le contenu.</li>
</ul>
<p>Ces listes existent en deux formats : un fichier JSON pour un autre service, et des fichiers CSV pour un tableur.</p>
<p><a class="fr-btn fr-btn--secondary" href="/api/v1/export" download>Télécharger tout mon coffre (fichier ZIP)</a></p>
<h2>Supprimer mon compte</h2>
<p>La suppression détruit vos documents et met fin à tous vos partages. Elle est définitive.</p>
<p><a class="fr-link" href="/compte/supprimer">Voir ce que fait la suppression et la confirmer</a></p>`;
}

/** Renders the erasure's confirmation page, which explains in plain words what is destroyed and what is kept. */
export function erasurePage(state: ErasurePageState): SafeHtml {
  return html`<h1>Supprimer mon compte</h1>
${errorSummary(state.errors)}
<p>Si vous supprimez votre compte :</p>
<ul>
<li>tous vos documents sont détruits : personne, pas même l'équipe du coffre, ne pourra plus les lire ;</li>
<li>tous vos partages prennent fin, et les partenaires ne peuvent plus rien consulter ;</li>
<li>les demandes d'accès en attente sont annulées ;</li>
<li>vous recevez un certificat de suppression, signé par le coffre, à garder.</li>
</ul>
<p>Le journal des accès garde la trace de ce qui s'est passé, sans vos documents, leurs titres ni votre nom : elle permet de vérifier plus tard qui a eu accès à quoi.</p>
<p><strong>La suppression est définitive.</strong> Si vous voulez garder vos documents, <a href="/compte">téléchargez d'abord tout votre coffre</a>.</p>
${state.recentSignIn ? erasureForm(state) : reauthenticationNotice()}`;
}

function erasureForm(state: ErasurePageState): SafeHtml {
  return html`<form method="post" action="/compte/supprimer" novalidate>
${csrfField(state.csrfToken)}
${choiceFieldset({
  type: 'checkbox',
  id: 'compris',
  name: 'compris',
  legend: 'Confirmation',
  choices: [{ value: 'oui', label: 'Je comprends que la suppression de mon compte et de mes documents est définitive.' }],
  selected: [],
  error: errorFor(state.errors, 'compris-0'),
})}
<button class="fr-btn" type="submit">Supprimer définitivement mon compte</button>
</form>`;
}

function reauthenticationNotice(): SafeHtml {
  return html`<div class="fr-alert fr-alert--info fr-mb-4w">
<h2 class="fr-alert__title">Identifiez-vous à nouveau pour confirmer</h2>
<p>Pour protéger votre compte, la suppression demande une identification de moins de 5 minutes.</p>
</div>
<p><a class="fr-btn" href="${REAUTH_URL}">M'identifier à nouveau</a></p>`;
}

/** Renders the page after the erasure, with the certificate to keep, or a notice when it could not be issued. */
export function erasedPage(certificate: string | null): SafeHtml {
  if (certificate === null) {
    return html`<h1>Votre compte est supprimé</h1>
<p>Vos documents sont détruits et vos partages ont pris fin.</p>
<p>Le certificat de suppression n'a pas pu être produit. Écrivez au délégué à la protection des données du coffre : il peut attester la suppression à partir du journal des accès.</p>`;
  }
  const download = `data:application/json;charset=utf-8,${encodeURIComponent(certificate)}`;
  return html`<h1>Votre compte est supprimé</h1>
<p>Vos documents sont détruits et vos partages ont pris fin.</p>
<h2>Votre certificat de suppression</h2>
<p>Ce certificat prouve la suppression. Il est signé par le coffre et chacun peut le vérifier. Gardez-le : cette page ne pourra pas être affichée à nouveau.</p>
<p><a class="fr-btn" href="${download}" download="certificat-suppression.json">Télécharger le certificat (fichier JSON)</a></p>
<pre class="coffre-certificate" tabindex="0" aria-label="Certificat de suppression">${certificate}</pre>
<p>Si vous vous identifiez de nouveau plus tard, le coffre vous ouvrira un nouveau compte, vide.</p>`;
}
