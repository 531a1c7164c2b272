// One translation function for every word a user reads. English ships now; adding a language is
// adding a catalog file to src/locales and its code to SUPPORTED_LANGUAGES, with no view rewritten.
import i18next, { type i18n } from 'i18next';
import en from './locales/en.json';

export const SUPPORTED_LANGUAGES = ['en'] as const;
export const DEFAULT_LANGUAGE = 'en';

export function createI18n(): i18n {
  const instance = i18next.createInstance();
  // Resources are bundled, so init completes synchronously.
  void instance.init({
    resources: { en: { translation: en } },
    supportedLngs: [...SUPPORTED_LANGUAGES],
    fallbackLng: DEFAULT_LANGUAGE,
    load: 'languageOnly',
    nonExplicitSupportedLngs: true,
    initImmediate: false,
    interpolation: { escapeValue: false }, // EJS escapes on output
    returnNull: false,
  } as Parameters<i18n['init']>[0]);
  return instance;
}
