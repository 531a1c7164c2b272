// Each language's strings, resolved once. i18next stays the catalogs' format and API, but its t()
// copies its whole options object, walks the fallback chain and scans every string for
// placeholders and nesting on each call: a quarter of the busy CPU of a page rendered with no
// session or database (measured by `npm run bench`). Here a language's chain (the language, then
// the fallback) is resolved when the language is first used, each string is split at its
// {{placeholders}} once, and a call is a Map lookup plus concatenation.
//
// What this does not model is answered by i18next itself, so every answer is i18next's: a missing
// key, an option such as defaultValue, context or lng, a value that is not text (an object, a
// number), a placeholder given no text or number, formats ({{count, number}}), unescaped
// ({{- x}}) and nested ($t(...)) strings. test/i18n/compiled.test.ts compares the two for every
// key of the catalogs.
import type { i18n, TFunction } from 'i18next';

/** What views and routes call: `t('nav.signedInAs', { name })`. */
export type Translate = (key: string, params?: Record<string, unknown>) => string;

/**
 * The names i18next reads from a t() call's options (Translator, Interpolator and getFixedT in
 * i18next 26). A call that passes any of them, or a defaultValue variant, goes to i18next.
 */
const I18NEXT_OPTIONS = new Set([
  'appendNamespaceToCIMode', 'appendNamespaceToMissingKey', 'applyPostProcessor', 'cleanCode', 'context',
  'contextSeparator', 'defaultNS', 'fallbackLng', 'fallbackNS', 'i18nResolved', 'ignoreJSONStructure',
  'interpolation', 'joinArrays', 'keyPrefix', 'keySeparator', 'lng', 'lngs', 'lowerCaseLng', 'missingInterpolationHandler',
  'missingKeyHandler', 'missingKeyNoValueFallbackToKey', 'nest', 'ns', 'nsSeparator', 'ordinal',
  'overloadTranslationOptionHandler', 'parseMissingKeyHandler', 'pluralSeparator', 'postProcess',
  'postProcessPassResolved', 'replace', 'returnDetails', 'returnEmptyString', 'returnNull', 'returnObjects',
  'returnedObjectHandler', 'saveMissing', 'saveMissingPlurals', 'saveMissingTo', 'skipInterpolation',
  'supportedLngs', 'updateMissing', 'userDefinedKeySeparator', 'userDefinedNsSeparator',
]);

/** i18next's default placeholder syntax; the name is trimmed, as i18next does. */
const PLACEHOLDER = /{{(.+?)}}/g;
/** A placeholder this file fills: a plain name (no format after a comma, no path with dots). */
const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A catalog string split at its placeholders: parts[0] + value of names[0] + parts[1] + ... */
interface Template {
  text: string;
  parts: string[];
  names: string[];
}

/** One language's strings by key; null marks a key whose answer only i18next gives (see above). */
type Table = Map<string, Template | null>;

function compileString(text: string): Template | null {
  if (text.includes('$t(') || text.includes('{{-')) return null;
  const parts: string[] = [];
  const names: string[] = [];
  let last = 0;
  for (const m of text.matchAll(PLACEHOLDER)) {
    const name = m[1]!.trim();
    if (!PLAIN_NAME.test(name) || I18NEXT_OPTIONS.has(name)) return null;
    parts.push(text.slice(last, m.index));
    names.push(name);
    last = m.index! + m[0].length;
  }
  parts.push(text.slice(last));
  return { text, parts, names };
}

/** A resource bundle flattened to i18next's keys ('nav.signIn'), every node included. */
function tableOf(bundle: Record<string, unknown> | undefined, returnEmptyString: boolean): Table {
  const table: Table = new Map();
  const walk = (node: Record<string, unknown>, prefix: string) => {
    for (const [k, value] of Object.entries(node)) {
      const key = prefix ? `${prefix}.${k}` : k;
      // A key with a namespace separator means something else to i18next: leave it to i18next.
      const usable = !key.includes(':');
      if (value === null || value === undefined || (value === '' && !returnEmptyString)) continue;
      if (typeof value === 'string') {
        if (usable) table.set(key, compileString(value));
      } else {
        if (usable) table.set(key, null); // an object or a number: i18next says what it says
        if (typeof value === 'object') walk(value as Record<string, unknown>, key);
      }
    }
  };
  if (bundle) walk(bundle, '');
  return table;
}

function fill(template: Template, params: Record<string, unknown>): string | undefined {
  const { parts, names } = template;
  let out = parts[0]!;
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    // i18next reads values from a copy of the options ({ ...params }): own enumerable ones only.
    if (!Object.prototype.propertyIsEnumerable.call(params, name)) return undefined;
    const value = params[name];
    if (typeof value === 'string') out += value;
    else if (typeof value === 'number') out += String(value);
    else return undefined;
    out += parts[i + 1]!;
  }
  return out;
}

function asksI18next(params: Record<string, unknown>): boolean {
  for (const name in params) {
    if (I18NEXT_OPTIONS.has(name) || name.startsWith('defaultValue')) return true;
  }
  return false;
}

/** Whether the instance is configured as this file assumes (createI18n's options); if not, i18next answers everything. */
function modelled(instance: i18n): boolean {
  const o = instance.options as Record<string, unknown> & { interpolation?: Record<string, unknown> };
  const ip = o.interpolation ?? {};
  const defaultNS = o.defaultNS;
  const oneNamespace = typeof defaultNS === 'string' || (Array.isArray(defaultNS) && defaultNS.length === 1);
  const is = (value: unknown, fallback: string) => value === undefined || value === fallback;
  return oneNamespace && !o.fallbackNS && ip.escapeValue === false && ip.skipOnVariables !== false
    && is(ip.prefix, '{{') && is(ip.suffix, '}}') && !ip.prefixEscaped && !ip.suffixEscaped && is(ip.unescapePrefix, '-')
    && !ip.unescapeSuffix && is(ip.nestingPrefix, '$t(') && !ip.nestingPrefixEscaped
    && !ip.defaultVariables && !ip.alwaysFormat && !ip.missingInterpolationHandler
    && !o.missingInterpolationHandler && !o.postProcess && o.returnNull !== true && o.keySeparator === '.' && o.nsSeparator === ':'
    && !(instance as unknown as { translator?: { i18nFormat?: unknown } }).translator?.i18nFormat;
}

/**
 * Returns the compiled translate function of a language, built on first use from the instance's
 * loaded catalogs (which must not change afterwards: this app bundles them).
 */
export function compiledCatalogs(instance: i18n): (lng: string) => Translate {
  const byLanguage = new Map<string, Translate>();
  const tables = new Map<string, Table>();
  const isModelled = modelled(instance);
  const defaultNS = instance.options.defaultNS;
  const ns = String(Array.isArray(defaultNS) ? defaultNS[0] : defaultNS);
  const separator = String(instance.options.pluralSeparator ?? '_');
  const returnEmptyString = instance.options.returnEmptyString !== false;

  const tableFor = (code: string): Table => {
    let table = tables.get(code);
    if (!table) {
      table = tableOf(instance.getResourceBundle(code, ns) as Record<string, unknown> | undefined, returnEmptyString);
      tables.set(code, table);
    }
    return table;
  };

  const compile = (lng: string): Translate => {
    const i18nextT = instance.getFixedT(lng) as unknown as Translate;
    if (!isModelled || lng.toLowerCase() === 'cimode') return i18nextT;
    const services = instance.services as unknown as {
      languageUtils: { toResolveHierarchy(code: string): string[] };
      pluralResolver: { getRule(code: string, options?: object): { select(n: number): string } | undefined };
    };
    const chain = services.languageUtils.toResolveHierarchy(lng).map((code) => ({
      table: tableFor(code),
      rule: services.pluralResolver.getRule(code) ?? services.pluralResolver.getRule('dev'),
    }));
    // Without a count, i18next takes the first language of the chain that has the key.
    const resolved: Table = new Map();
    for (const { table } of [...chain].reverse()) for (const [key, entry] of table) resolved.set(key, entry);

    // With a count, for each language in turn: key_zero (for 0), key_<plural form>, then key.
    const plural = (key: string, count: number): Template | null | undefined => {
      for (const { table, rule } of chain) {
        let entry: Template | null | undefined;
        if (count === 0) entry = table.get(`${key}${separator}zero`);
        if (entry === undefined && rule) entry = table.get(`${key}${separator}${rule.select(count)}`);
        if (entry === undefined) entry = table.get(key);
        if (entry !== undefined) return entry;
      }
      return undefined;
    };

    return (key, params) => {
      if (params === undefined) {
        // No values: i18next leaves placeholders as they are.
        const entry = resolved.get(key);
        return entry ? entry.text : i18nextT(key);
      }
      if (typeof params !== 'object' || params === null || asksI18next(params)) return i18nextT(key, params);
      const count = params.count;
      let entry: Template | null | undefined;
      if (count === undefined) entry = resolved.get(key);
      else if (typeof count === 'number') entry = plural(key, count);
      if (!entry) return i18nextT(key, params);
      return (entry.names.length === 0 ? entry.text : fill(entry, params)) ?? i18nextT(key, params);
    };
  };

  return (lng) => {
    let t = byLanguage.get(lng);
    if (!t) {
      t = compile(lng);
      byLanguage.set(lng, t);
    }
    return t;
  };
}

/** For the type express declares for req.t (i18next's TFunction, whose overloads this file does not spell out). */
export const asTFunction = (t: Translate): TFunction => t as unknown as TFunction;
