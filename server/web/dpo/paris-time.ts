/**
 * Dates as the staff pages show and read them: the calendar of metropolitan
 * France (Europe/Paris), because the DPO and the administrators work there.
 * Stored times stay UTC; only the pages convert.
 */

const TIME_ZONE = 'Europe/Paris';

const DISPLAY_FORMAT = new Intl.DateTimeFormat('fr-FR', { timeZone: TIME_ZONE, dateStyle: 'long', timeStyle: 'medium' });

const PARTS_FORMAT = new Intl.DateTimeFormat('en-US', {
  timeZone: TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** A calendar day typed in a form, as year, month (1 to 12) and day. */
export interface CalendarDay {
  year: number;
  month: number;
  day: number;
}

/** Formats an instant for a page, e.g. « 4 décembre 2026 à 22:53:20 », in Paris time. */
export function formatParisTime(time: Date | string): string {
  return DISPLAY_FORMAT.format(typeof time === 'string' ? new Date(time) : time);
}

/**
 * Parses a day typed in a form: `AAAA-MM-JJ`, which date inputs send, or
 * `JJ/MM/AAAA`, which people type where the browser shows a text box.
 * Returns null for anything else, including days that do not exist (31/02).
 */
export function parseCalendarDay(text: string): CalendarDay | null {
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const french = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
  let day: CalendarDay;
  if (iso) day = { year: Number(iso[1]), month: Number(iso[2]), day: Number(iso[3]) };
  else if (french) day = { year: Number(french[3]), month: Number(french[2]), day: Number(french[1]) };
  else return null;

  const check = new Date(Date.UTC(day.year, day.month - 1, day.day));
  const exists = check.getUTCFullYear() === day.year && check.getUTCMonth() === day.month - 1 && check.getUTCDate() === day.day;
  return exists && day.year >= 1970 && day.year <= 9999 ? day : null;
}

/** Formats a day as `AAAA-MM-JJ`, the value of a date input. */
export function formatCalendarDay(day: CalendarDay): string {
  return `${String(day.year).padStart(4, '0')}-${String(day.month).padStart(2, '0')}-${String(day.day).padStart(2, '0')}`;
}

/** Returns the day after `day`. */
export function nextCalendarDay(day: CalendarDay): CalendarDay {
  const next = new Date(Date.UTC(day.year, day.month - 1, day.day + 1));
  return { year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() };
}

/** Returns true when `a` is after `b`. */
export function isAfterDay(a: CalendarDay, b: CalendarDay): boolean {
  return formatCalendarDay(a) > formatCalendarDay(b);
}

/**
 * Returns the instant at which `day` starts in Paris. The offset is read at a
 * first guess and read again at the result, so a day that starts just after
 * a summer-time change gets the offset in force at its midnight.
 */
export function parisMidnight(day: CalendarDay): Date {
  const wallClock = Date.UTC(day.year, day.month - 1, day.day);
  let instant = wallClock - parisOffsetMs(new Date(wallClock));
  instant = wallClock - parisOffsetMs(new Date(instant));
  return new Date(instant);
}

// Paris wall-clock time minus UTC at `instant`, in milliseconds (+1 h or +2 h).
function parisOffsetMs(instant: Date): number {
  const parts = Object.fromEntries(PARTS_FORMAT.formatToParts(instant).map((part) => [part.type, part.value]));
  const wallClock = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return wallClock - Math.floor(instant.getTime() / 1000) * 1000;
}
