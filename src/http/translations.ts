// Picks each request's language and gives it that language's translate function. It does what
// i18next-http-middleware's handle() does for this app (its language detector included), without
// cloning the i18next instance on every request (that clone was about a quarter of the CPU of a
// page rendered with no session or database), and with each language's strings compiled once
// (src/i18n-compiled.ts; i18next's own t() was the next quarter).
import type { RequestHandler } from 'express';
import type { i18n } from 'i18next';
import type {} from 'i18next-http-middleware';
import { asTFunction, compiledCatalogs } from '../i18n-compiled';

/** Distinct Accept-Language values remembered; beyond this the memory starts again (browsers send few). */
const MAX_REMEMBERED_HEADERS = 500;
const MAX_REMEMBERED_HEADER_LENGTH = 200;

export function translations(instance: i18n): RequestHandler {
  const detector = instance.services.languageDetector as { detect(req: unknown, res: unknown): string | string[] | undefined };
  const fallback = String((instance.options.fallbackLng as string[] | string | undefined) ?? 'en');
  const catalogFor = compiledCatalogs(instance);
  const detect = (req: unknown, res: unknown): string => {
    const detected = detector.detect(req, res);
    // en-CA is answered as en: catalogs are per language, and this keeps one function per catalog.
    const code = (Array.isArray(detected) ? detected[0] : detected) || fallback;
    return instance.services.languageUtils.getLanguagePartFromCode(code) || fallback;
  };
  // The detector looks at ?lng=, then the `lang` cookie, then Accept-Language. A request whose
  // address has no "=" (so no lng value) and whose cookies have no "lang" has only its
  // Accept-Language to go by, so the detector's answer for that header is remembered.
  const byHeader = new Map<string, string>();

  return (req, res, next) => {
    const cookie = req.headers.cookie;
    const header = req.headers['accept-language'] ?? '';
    let lng: string | undefined;
    if (!req.url.includes('=') && (cookie === undefined || !cookie.includes('lang')) && header.length <= MAX_REMEMBERED_HEADER_LENGTH) {
      lng = byHeader.get(header);
      if (lng === undefined) {
        lng = detect(req, res);
        if (byHeader.size >= MAX_REMEMBERED_HEADERS) byHeader.clear();
        byHeader.set(header, lng);
      }
    } else {
      lng = detect(req, res);
    }
    req.language = lng;
    req.t = asTFunction(catalogFor(lng));
    res.setHeader('Content-Language', lng);
    next();
  };
}
