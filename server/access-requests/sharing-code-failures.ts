/** Failed sharing-code attempts allowed per key and window before 429 `rate_limited`. */
export const SHARING_CODE_FAILURES_MAX = 10;

/** Length of the counting window, in milliseconds (15 minutes). */
export const SHARING_CODE_FAILURE_WINDOW_MS = 15 * 60 * 1000;

interface Window {
  startedAt: number;
  failures: number;
}

// Beyond this many keys, ended windows are swept before a new key is added.
const SWEEP_THRESHOLD = 10_000;

/**
 * Counts wrong sharing codes per key (a partner, a client address) in fixed
 * windows kept in this process's memory. Unlike rateLimit, only failures
 * count, so a partner that sends many valid requests is never slowed down,
 * while guessing codes stops after SHARING_CODE_FAILURES_MAX misses.
 * NOTE: counters are per process, so N instances allow N times the maximum.
 */
export class SharingCodeFailures {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly max = SHARING_CODE_FAILURES_MAX,
    private readonly windowMs = SHARING_CODE_FAILURE_WINDOW_MS,
  ) {}

  /** Returns the seconds to wait when any of `keys` has used up its failures, else 0. */
  retryAfterSeconds(keys: readonly string[], now = Date.now()): number {
    let wait = 0;
    for (const key of keys) {
      const window = this.windows.get(key);
      if (!window || now - window.startedAt >= this.windowMs || window.failures < this.max) continue;
      wait = Math.max(wait, Math.ceil((window.startedAt + this.windowMs - now) / 1000), 1);
    }
    return wait;
  }

  /** Counts one failure for each of `keys`. */
  recordFailure(keys: readonly string[], now = Date.now()): void {
    for (const key of keys) {
      let window = this.windows.get(key);
      if (!window || now - window.startedAt >= this.windowMs) {
        if (!window && this.windows.size >= SWEEP_THRESHOLD) this.sweep(now);
        window = { startedAt: now, failures: 0 };
        this.windows.set(key, window);
      }
      window.failures += 1;
    }
  }

  private sweep(now: number): void {
    for (const [key, window] of this.windows) {
      if (now - window.startedAt >= this.windowMs) this.windows.delete(key);
    }
  }
}
