import helmet from 'helmet';
import type { RequestHandler } from 'express';

/**
 * helmet with a strict Content Security Policy: scripts, styles, fonts and
 * images only from the vault itself, no inline code, no framing, no referrer.
 * `formActionOrigins` adds the identity provider, because browsers apply
 * form-action to the redirect that follows a sign-out form.
 */
export function securityHeaders(formActionOrigins: string[] = []): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'", ...formActionOrigins],
        frameAncestors: ["'none'"],
      },
    },
    strictTransportSecurity: { maxAge: 63072000, includeSubDomains: true },
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginEmbedderPolicy: false,
  });
}
