import type { Request, RequestHandler } from 'express';

import { AppError } from '../errors/app-error.js';
import { logger } from '../logging/logger.js';

export interface RateLimitOptions {
  /** Length of one counting window, in milliseconds. */
  windowMs: number;
  /** Requests allowed per key and window; the next one gets 429 `rate_limited`. */
  max: number;
  /** Counting key of a request, such as the client address. */
  key: (req: Request) => string;
}

interface Window {
  startedAt: number;
  count: number;
}

// Beyond this many keys, windows that ended are swept before a new key is added, so a
// flood of distinct addresses cannot grow the map without bound.
const SWEEP_THRESHOLD = 10_000;

/**
 * Fixed-window request limiter kept in this process's memory: each key may make `max`
 * requests per window, and further requests get 429 `rate_limited` with Retry-After.
 * NOTE: counters are per process. N vault instances behind a load balancer therefore
 * allow up to N times `max`, and an exact limit would need a shared store.
 *
 * @example
 * router.get('/auth/login', rateLimit({ windowMs: 60_000, max: 30, key: (req) => req.ip ?? 'unknown' }), handler);
 */
export function rateLimit(options: RateLimitOptions): RequestHandler {
  if (!(options.windowMs > 0) || !Number.isInteger(options.max) || options.max < 1) {
    throw new RangeError('rateLimit needs windowMs > 0 and an integer max >= 1');
  }
  const windows = new Map<string, Window>();

  return (req, res, next) => {
    const now = Date.now();
    const key = options.key(req);
    let window = windows.get(key);
    if (!window || now - window.startedAt >= options.windowMs) {
      if (!window && windows.size >= SWEEP_THRESHOLD) sweep(windows, now, options.windowMs);
      window = { startedAt: now, count: 0 };
      windows.set(key, window);
    }
    window.count += 1;
    if (window.count <= options.max) return next();

    // One log line per key and window, not one per refused request.
    if (window.count === options.max + 1) {
      // The route template, not the path, which can carry codes or ids.
      const route = typeof req.route?.path === 'string' ? `${req.baseUrl}${req.route.path}` : req.baseUrl || 'unmatched';
      logger.warn('rate limit reached', { requestId: res.locals.requestId, route, max: options.max, windowMs: options.windowMs });
    }
    const retryAfterSeconds = Math.ceil((window.startedAt + options.windowMs - now) / 1000);
    res.set('Retry-After', String(Math.max(retryAfterSeconds, 1)));
    next(new AppError('rate_limited'));
  };
}

function sweep(windows: Map<string, Window>, now: number, windowMs: number): void {
  for (const [key, window] of windows) {
    if (now - window.startedAt >= windowMs) windows.delete(key);
  }
}
