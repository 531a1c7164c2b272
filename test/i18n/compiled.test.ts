// The compiled catalogs answer exactly as i18next does: every key of the English catalog, with and
// without values, plural keys with counts, missing keys and i18next's own options; and in a second
// language that falls back to English. The compiled answers must also really come from the
// compiled tables (not from i18next under the hood) for ordinary keys.
import type { Resource } from 'i18next';
import { createI18n } from '../../src/i18n';
import { compiledCatalogs } from '../../src/i18n-compiled';
import en from '../../src/locales/en.json';

type Params = Record<string, unknown> | undefined;

/** Every key i18next knows in a nested catalog: its leaves and the objects above them. */
function keysOf(node: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(node).flatMap(([k, v]) => {
    const key = prefix ? `${prefix}.${k}` : k;
    return v !== null && typeof v === 'object' ? [key, ...keysOf(v as Record<string, unknown>, key)] : [key];
  });
}

const PLURAL = /_(zero|one|two|few|many|other)$/;

/** The placeholder names of every string that a key (or, for a plural key, its forms) may use. */
function namesFor(key: string, catalog: Record<string, unknown>): string[] {
  const strings = keysOf(catalog).filter((k) => k === key || k.replace(PLURAL, '') === key)
    .map((k) => k.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)?.[part], catalog))
    .filter((v): v is string => typeof v === 'string');
  return [...new Set(strings.flatMap((s) => [...s.matchAll(/{{(.+?)}}/g)].map((m) => m[1]!.split(',')[0]!.trim().replace(/^-/, ''))))];
}

/** Representative calls for one key: no values, text values, number values, missing and odd values. */
function callsFor(key: string, names: string[], plural: boolean): Params[] {
  const text = Object.fromEntries(names.map((n) => [n, `«${n}»`]));
  const numbers = Object.fromEntries(names.map((n, i) => [n, i + 3]));
  const calls: Params[] = [undefined, {}, text, numbers, { ...text, unused: 'x' }];
  if (names.length) {
    const [first] = names;
    calls.push({ ...text, [first!]: '' }, { ...text, [first!]: null }, { ...text, [first!]: undefined }, { ...text, [first!]: true });
    calls.push(Object.fromEntries(names.slice(1).map((n) => [n, 'x']))); // the first value missing
  }
  if (plural || names.includes('count')) {
    for (const count of [0, 1, 2, 1.5, -1, 21, 1000]) calls.push({ ...text, count });
    calls.push({ ...text, count: '2' }, { ...text, count: null });
  }
  return calls;
}

function compare(resources: Resource, lng: string, catalog: Record<string, unknown>) {
  const instance = createI18n(resources);
  const reference = createI18n(resources).getFixedT(lng);
  const t = compiledCatalogs(instance)(lng);
  const keys = keysOf(catalog);
  const pluralBases = [...new Set(keys.filter((k) => PLURAL.test(k)).map((k) => k.replace(PLURAL, '')))];
  const mismatches: string[] = [];
  let calls = 0;
  for (const key of [...keys, ...pluralBases]) {
    const plural = pluralBases.includes(key);
    for (const params of callsFor(key, namesFor(key, catalog), plural)) {
      calls++;
      const expected = reference(key, params as never) as unknown;
      const actual = t(key, params as Record<string, unknown>);
      if (actual !== expected) mismatches.push(`${key} ${JSON.stringify(params)}: ${JSON.stringify(actual)} != ${JSON.stringify(expected)}`);
    }
  }
  return { mismatches, calls, keys, pluralBases };
}

test('every key of the English catalog, with representative values, answers as i18next does', () => {
  const { mismatches, calls, keys, pluralBases } = compare({ en: { translation: en } }, 'en', en);
  expect(keys.length).toBeGreaterThan(500);
  expect(pluralBases).toEqual(expect.arrayContaining(['catalog.modules', 'certificate.pdf.hours', 'account.reissued']));
  expect(calls).toBeGreaterThan(3000);
  expect(mismatches).toEqual([]);
});

// A second language that lacks most keys, has French plural rules (0 and 1 are "one"), a key
// that is text in English but an object here, an empty string, a null, and a _zero form.
const fr = {
  nav: { skip: 'Aller au contenu', signedInAs: 'Connecté·e en tant que {{name}}' },
  catalog: { modules_one: '{{count}} module', modules_other: '{{count}} modules', modules_zero: 'aucun module' },
  footer: { about: { short: 'Logiciel libre' }, verify: '' },
  home: { title: null },
  only: { here: 'Seulement en français, {{who}}', nested: 'Voir $t(nav.skip)', formatted: '{{n, number}} fois', raw: '{{- html}}' },
};

test('a second language falls back to English key by key, as i18next does', () => {
  const resources = { en: { translation: en }, fr: { translation: fr } };
  const both = { ...en, ...fr, nav: { ...en.nav, ...fr.nav }, catalog: { ...en.catalog, ...fr.catalog }, only: fr.only } as Record<string, unknown>;
  const { mismatches, calls } = compare(resources, 'fr', both);
  expect(calls).toBeGreaterThan(3000);
  expect(mismatches).toEqual([]);
});

test('missing keys, objects, namespaces and i18next options are answered by i18next', () => {
  const resources = { en: { translation: en }, fr: { translation: fr } };
  const reference = createI18n(resources).getFixedT('fr');
  const t = compiledCatalogs(createI18n(resources))('fr');
  const calls: [unknown, unknown][] = [
    ['no.such.key', undefined], ['no.such.key', { count: 1 }], ['no.such {{x}}', { x: 'value' }], ['', undefined],
    ['nav', undefined], ['footer.about', undefined], ['translation:nav.skip', undefined],
    ['nav.signedInAs', { name: 'Ana', defaultValue: 'fallback' }], ['no.such.key', { defaultValue: 'Fallback {{x}}', x: 1 }],
    ['nav.signedInAs', { name: 'Ana', lng: 'en' }], ['nav.signedInAs', { name: '<b>', interpolation: { escapeValue: true } }],
    ['catalog.modules', { count: 2, ordinal: true }], ['catalog.modules', { count: 1, context: 'short' }],
    ['nav.signedInAs', { replace: { name: 'Ana' } }], ['nav.signedInAs', 'a default value'],
    ['only.nested', undefined], ['only.formatted', { n: 1234.5 }], ['only.raw', { html: '<i>x</i>' }],
  ];
  for (const [key, params] of calls) {
    expect([key, params, t(key as string, params as never)]).toEqual([key, params, reference(key as string, params as never)]);
  }
});

test('ordinary keys are answered from the compiled tables, not by i18next', () => {
  const instance = createI18n({ en: { translation: en } });
  const t = compiledCatalogs(instance)('en');
  t('nav.skip'); // compiles English
  // With its catalog gone, i18next can only answer with keys; the compiled tables still know.
  instance.removeResourceBundle('en', 'translation');
  expect(instance.getFixedT('en')('nav.skip')).toBe('nav.skip');
  expect(t('nav.skip')).toBe('Skip to main content');
  expect(t('nav.signedInAs', { name: 'Ana' })).toBe('Signed in as Ana');
  expect(t('catalog.modules', { count: 1 })).toBe('1 module');
  expect(t('catalog.modules', { count: 12 })).toBe('12 modules');
  expect(t('module.position', { number: 3, total: 12 })).toMatch(/3.*12/);
  // Formats are i18next's: this one is not compiled, so without the catalog it is the key.
  expect(t('certificate.pdf.hours', { count: 2 })).toBe('certificate.pdf.hours');
});
