// Picks each request's language and gives it that language's translate function. It does what
// i18next-http-middleware's handle() does for this app (its language detector included), without
// cloning the i18next instance on every request: that clone was about a quarter of the CPU of a
// page rendered with no session or database (measured by `npm run bench`).
import type { RequestHandler } from 'express';
import type { i18n, TFunction } from 'i18next';
import type {} from 'i18next-http-middleware';

export function translations(instance: i18n): RequestHandler {
  const fixed = new Map<string, TFunction>();
  const detector = instance.services.languageDetector as { detect(req: unknown, res: unknown): string | string[] | undefined };
  const fallback = String((instance.options.fallbackLng as string[] | string | undefined) ?? 'en');
  return (req, res, next) => {
    const detected = detector.detect(req, res);
    // en-CA is answered as en: catalogs are per language, and this keeps one function per catalog.
    const code = (Array.isArray(detected) ? detected[0] : detected) || fallback;
    const lng = instance.services.languageUtils.getLanguagePartFromCode(code) || fallback;
    let t = fixed.get(lng);
    if (!t) {
      t = instance.getFixedT(lng);
      fixed.set(lng, t);
    }
    req.language = lng;
    req.t = t;
    res.setHeader('Content-Language', lng);
    next();
  };
}
