import type { Request } from 'express';

export type Locale = 'fr' | 'en';

/**
 * Picks the response language from Accept-Language: French unless the
 * client prefers English over French. Unknown languages fall back to French,
 * the language of the vault's users.
 */
export function negotiateLocale(acceptLanguage: string | undefined): Locale {
  if (!acceptLanguage) return 'fr';

  let best: { locale: Locale; quality: number } | null = null;
  for (const part of acceptLanguage.split(',')) {
    const [tag = '', ...params] = part.trim().toLowerCase().split(';');
    const qualityParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const quality = qualityParam ? Number(qualityParam.slice(2)) : 1;
    if (!Number.isFinite(quality) || quality <= 0) continue;

    const primary = tag.split('-')[0];
    if (primary !== 'fr' && primary !== 'en') continue;
    if (!best || quality > best.quality) best = { locale: primary, quality };
  }
  return best?.locale ?? 'fr';
}

export function requestLocale(req: Request): Locale {
  return negotiateLocale(req.get('accept-language'));
}
