// One translation function for every word a user reads. English ships now; adding a language is
// adding a catalog file to src/locales and its code to SUPPORTED_LANGUAGES, with no view rewritten.
import i18next, { type i18n, type Resource } from 'i18next';
import { LanguageDetector } from 'i18next-http-middleware';
import en from './locales/en.json';

export const SUPPORTED_LANGUAGES = ['en'] as const;
export const DEFAULT_LANGUAGE = 'en';

/** `resources` is for tests that need a second language; the app passes nothing. */
export function createI18n(resources: Resource = { en: { translation: en } }): i18n {
  const instance = i18next.createInstance();
  // The request's language: ?lng=, then a `lang` cookie, then Accept-Language. Nothing is cached
  // in a cookie for the user: the choice is theirs to make with ?lng= or their browser.
  instance.use(new LanguageDetector(undefined, { order: ['querystring', 'cookie', 'header'], lookupQuerystring: 'lng', lookupCookie: 'lang', caches: false }));
  // Resources are bundled, so init completes synchronously.
  void instance.init({
    resources,
    supportedLngs: Object.keys(resources),
    fallbackLng: DEFAULT_LANGUAGE,
    load: 'languageOnly',
    nonExplicitSupportedLngs: true,
    initImmediate: false,
    interpolation: { escapeValue: false }, // EJS escapes on output
    returnNull: false,
  } as Parameters<i18n['init']>[0]);
  return instance;
}
