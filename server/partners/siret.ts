/** SIREN of La Poste, whose establishments' SIRETs do not follow the Luhn formula. */
const LA_POSTE_SIREN = '356000000';

/**
 * Returns true for a valid SIRET: 14 digits whose last one is the Luhn check digit.
 * La Poste's establishments share the SIREN 356000000 and use INSEE's other rule, the
 * sum of the 14 digits being a multiple of 5, so those are accepted by that rule too.
 *
 * @example isValidSiret('73282932000074') // true
 */
export function isValidSiret(siret: string): boolean {
  if (!/^[0-9]{14}$/.test(siret)) return false;
  if (luhnValid(siret)) return true;
  return siret.startsWith(LA_POSTE_SIREN) && digitSum(siret) % 5 === 0;
}

/** Removes the spaces that people type between a SIRET's groups of digits ("732 829 320 00074"). */
export function normalizeSiret(input: string): string {
  return input.replace(/[\s\u00a0\u202f]/g, '');
}

function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let index = 0; index < digits.length; index += 1) {
    let digit = Number(digits[digits.length - 1 - index]);
    // Every second digit from the right is doubled.
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

function digitSum(digits: string): number {
  return [...digits].reduce((sum, digit) => sum + Number(digit), 0);
}
