import { addUtcMonths, addUtcYears } from './calendar.js';
import { deny, type Denial } from './decision.js';

/** Length of a grant whose end the person leaves out, in calendar months (UTC). */
export const GRANT_DEFAULT_MONTHS = 3;

/** Maximum length of a grant, in calendar years (UTC): `endsAt <= addUtcYears(startsAt, 1)`. */
export const GRANT_MAX_YEARS = 1;

/**
 * How far in the past a requested start may be, in milliseconds (5 minutes).
 * It absorbs the time between the person's form and the request reaching
 * the server, and small clock differences.
 */
export const GRANT_START_TOLERANCE_MS = 5 * 60 * 1000;

/** A grant's validity: from `startsAt` inclusive to `endsAt` exclusive. */
export interface GrantWindow {
  startsAt: Date;
  endsAt: Date;
}

/** Reasons why a requested grant window is refused. */
export type GrantWindowReason = 'grant_window_invalid' | 'grant_start_in_past' | 'grant_too_long';

/** A requested window. A null `startsAt` means now, a null `endsAt` the default length. */
export interface GrantWindowRequest {
  startsAt: Date | null;
  endsAt: Date | null;
  now: Date;
}

/** Result of resolveGrantWindow: the window to store, or a denial. */
export type GrantWindowResolution = { effect: 'allow'; window: GrantWindow } | Denial<GrantWindowReason>;

function isValidDate(date: Date): boolean {
  return !Number.isNaN(date.getTime());
}

/**
 * Fills in the defaults of a requested window and checks it. The start
 * defaults to `now` and the end to start + 3 calendar months in UTC. Denials,
 * first wins, all 422:
 * - `grant_window_invalid`: an invalid Date, or an end at or before the start;
 * - `grant_start_in_past`: a start more than GRANT_START_TOLERANCE_MS before `now`;
 * - `grant_too_long`: an end after start + 1 calendar year in UTC.
 *
 * A start within the tolerance is kept as requested, not moved to `now`.
 *
 * @example resolveGrantWindow({ startsAt: null, endsAt: null, now }) // allow, now to now + 3 months
 */
export function resolveGrantWindow(request: GrantWindowRequest): GrantWindowResolution {
  const { now } = request;
  const startsAt = request.startsAt ?? now;
  if (!isValidDate(now) || !isValidDate(startsAt)) return deny('grant_window_invalid', 422);
  if (startsAt.getTime() < now.getTime() - GRANT_START_TOLERANCE_MS) return deny('grant_start_in_past', 422);

  const endsAt = request.endsAt ?? addUtcMonths(startsAt, GRANT_DEFAULT_MONTHS);
  if (!isValidDate(endsAt) || endsAt.getTime() <= startsAt.getTime()) return deny('grant_window_invalid', 422);
  if (endsAt.getTime() > addUtcYears(startsAt, GRANT_MAX_YEARS).getTime()) return deny('grant_too_long', 422);

  return { effect: 'allow', window: { startsAt: new Date(startsAt.getTime()), endsAt: new Date(endsAt.getTime()) } };
}
