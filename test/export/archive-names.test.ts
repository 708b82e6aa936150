import { describe, expect, it } from 'vitest';

import { assignUniqueNames, safeFileName } from '../../server/export/archive-names.js';

describe('safeFileName', () => {
  const cases: Array<[string, string, 'application/pdf' | 'image/jpeg' | 'image/png', string]> = [
    ['keeps a plain name', 'notification-rqth.pdf', 'application/pdf', 'notification-rqth.pdf'],
    ['keeps accents and spaces', 'Décision CDAPH été.pdf', 'application/pdf', 'Décision CDAPH été.pdf'],
    ['replaces slashes', 'dossier/sous-dossier/a.pdf', 'application/pdf', 'dossier_sous-dossier_a.pdf'],
    ['replaces backslashes', '..\\..\\Windows\\a.pdf', 'application/pdf', '_._Windows_a.pdf'],
    ['removes parent references', '../../etc/passwd.pdf', 'application/pdf', '_._etc_passwd.pdf'],
    ['collapses dot runs', 'a..b...pdf', 'application/pdf', 'a.b.pdf'],
    ['drops leading dots', '..pdf', 'application/pdf', 'pdf.pdf'],
    ['replaces control characters', 'a\u0000b\u001fc\u0085.pdf', 'application/pdf', 'a_b_c_.pdf'],
    ['replaces Windows reserved characters', 'a:b*c?"d<e>f|.png', 'image/png', 'a_b_c__d_e_f_.png'],
    ['adds a missing extension', 'scan', 'image/jpeg', 'scan.jpg'],
    ['accepts another usual extension', 'photo.JPEG', 'image/jpeg', 'photo.JPEG'],
    ['names an empty name', '', 'application/pdf', 'document.pdf'],
    ['names a name of dots', '....', 'image/png', 'document.png'],
    ['prefixes a Windows device name', 'CON.pdf', 'application/pdf', '_CON.pdf'],
  ];

  for (const [name, input, mediaType, expected] of cases) {
    it(name, () => {
      expect(safeFileName(input, mediaType)).toBe(expected);
    });
  }

  it('shortens a long name and keeps the extension', () => {
    const name = safeFileName(`${'é'.repeat(300)}.pdf`, 'application/pdf');

    expect(name.endsWith('é.pdf')).toBe(true);
    expect(Buffer.byteLength(name)).toBeLessThanOrEqual(200);
  });
});

describe('assignUniqueNames', () => {
  it('numbers clashes from 2', () => {
    expect(assignUniqueNames(['certificat.pdf', 'certificat.pdf', 'certificat.pdf'])).toEqual(['certificat.pdf', 'certificat (2).pdf', 'certificat (3).pdf']);
  });

  it('compares without case', () => {
    expect(assignUniqueNames(['Certificat.PDF', 'certificat.pdf'])).toEqual(['Certificat.PDF', 'certificat (2).pdf']);
  });

  it('skips a number already taken', () => {
    expect(assignUniqueNames(['a (2).pdf', 'a.pdf', 'a.pdf'])).toEqual(['a (2).pdf', 'a.pdf', 'a (3).pdf']);
  });

  it('avoids reserved names', () => {
    expect(assignUniqueNames(['LISEZ-MOI.txt'], ['lisez-moi.txt'])).toEqual(['LISEZ-MOI (2).txt']);
  });
});
