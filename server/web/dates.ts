// Pages show dates in the time zone of the vault's users, whatever the
// server's own zone; stored values stay UTC.
const PARIS = 'Europe/Paris';

const DAY = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeZone: PARIS });
const DAY_TIME = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeStyle: 'short', timeZone: PARIS });
const TIME = new Intl.DateTimeFormat('fr-FR', { timeStyle: 'short', timeZone: PARIS });

/** Formats a date as "4 décembre 2026" (Paris time). */
export function formatDay(date: Date | string): string {
  return DAY.format(new Date(date));
}

/** Formats a date as "4 décembre 2026 à 22:35" (Paris time). */
export function formatDayTime(date: Date | string): string {
  return DAY_TIME.format(new Date(date));
}

/** Formats a time of day as "22:35" (Paris time). */
export function formatTime(date: Date | string): string {
  return TIME.format(new Date(date));
}

/** Formats a size in bytes as "1,2 Mo" or "340 ko", as French users read sizes. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} octets`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} ko`;
  return `${(bytes / (1024 * 1024)).toLocaleString('fr-FR', { maximumFractionDigits: 1 })} Mo`;
}
