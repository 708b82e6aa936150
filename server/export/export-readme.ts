import type { Locale } from '../i18n/locale.js';

/** Names of the files that the vault writes at the archive's root, which no document may take. */
export const README_NAMES: Record<Locale, string> = { fr: 'LISEZ-MOI.txt', en: 'README.txt' };

const DATE_FORMATS: Record<Locale, Intl.DateTimeFormat> = {
  fr: new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Paris' }),
  en: new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Paris' }),
};

/**
 * Returns the short text that explains the archive to the person, in plain
 * words. Lines end with CRLF so that Windows Notepad shows them too.
 */
export function readmeText(locale: Locale, exportedAt: Date, accountId: string, documentCount: number): string {
  const date = DATE_FORMATS[locale].format(exportedAt);
  const lines = locale === 'fr' ? frenchText(date, accountId, documentCount) : englishText(date, accountId, documentCount);
  return lines.join('\r\n') + '\r\n';
}

function frenchText(date: string, accountId: string, documentCount: number): string[] {
  return [
    `Votre coffre Coffre, copié le ${date} (heure de Paris)`,
    '',
    'Ce dossier contient tout ce que le coffre garde pour vous.',
    '',
    `- Le dossier « documents » contient vos ${documentCount} document(s), avec leur nom d'origine.`,
    '  Si deux documents ont le même nom, le deuxième porte un numéro : « certificat (2).pdf ».',
    '- documents.csv : la liste de vos documents (titre, catégorie, date, taille).',
    '- partages.csv : vos partages avec des partenaires (partenaire, finalité, dates, état).',
    '- demandes.csv : les demandes d\'accès que des partenaires vous ont envoyées.',
    '- historique.csv : l\'historique des accès à vos documents.',
    '- manifest.json : les mêmes informations, pour un programme informatique.',
    '',
    'Les fichiers .csv s\'ouvrent avec un tableur (LibreOffice Calc, Excel…).',
    '',
    'Attention : ces fichiers ne sont pas chiffrés.',
    'Ils contiennent des informations sur votre santé.',
    'Gardez-les dans un endroit sûr, et effacez-les quand vous n\'en avez plus besoin.',
    '',
    'Pour vérifier qu\'un document n\'a pas été abîmé, comparez son empreinte',
    '(colonne « SHA-256 » de documents.csv) avec celle du fichier.',
    '',
    `Identifiant de votre compte : ${accountId}`,
  ];
}

function englishText(date: string, accountId: string, documentCount: number): string[] {
  return [
    `Your Coffre vault, copied on ${date} (Paris time)`,
    '',
    'This folder contains everything the vault keeps for you.',
    '',
    `- The "documents" folder contains your ${documentCount} document(s), under their original names.`,
    '  When two documents have the same name, the second one gets a number: "certificat (2).pdf".',
    '- documents.csv: the list of your documents (title, category, date, size).',
    '- partages.csv: your grants to partners (partner, purpose, dates, status).',
    '- demandes.csv: the access requests that partners sent you.',
    '- historique.csv: the history of accesses to your documents.',
    '- manifest.json: the same information, for a computer program.',
    '',
    'The .csv files open in a spreadsheet (LibreOffice Calc, Excel…).',
    '',
    'Warning: these files are not encrypted.',
    'They contain information about your health.',
    'Keep them in a safe place, and delete them when you no longer need them.',
    '',
    'To check that a document is intact, compare its fingerprint',
    '("SHA-256" column of documents.csv) with the file\'s.',
    '',
    `Your account id: ${accountId}`,
  ];
}
