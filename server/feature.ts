import type { RequestHandler, Router } from 'express';

/**
 * One capability of the vault as the start sequence sees it: the routes it
 * mounts, and what it starts once the server listens and stops at shutdown.
 */
export interface Feature {
  /** Routers mounted at `/`, after the session is loaded. */
  routers?: Router[];
  /** Handlers mounted before the session (the development identity provider). */
  early?: Array<{ path: string; handler: RequestHandler | Router }>;
  /** Origins that forms may post to, for the Content Security Policy. */
  formActionOrigins?: string[];
  /** Starts background work once the server listens (jobs, seeds). */
  start?(): Promise<void>;
  /** Stops background work; called before the database closes. */
  close?(): Promise<void>;
}
