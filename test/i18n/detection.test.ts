// The translations middleware remembers the language detected for each Accept-Language value
// (when the address has no lng value and the cookies no lang). Its choice must stay the one
// i18next-http-middleware's own handle() makes, request after request, for every source the
// detector reads, including the odd ones (a path with "&lng=", a cookie named like "lang").
import express from 'express';
import request from 'supertest';
import { handle } from 'i18next-http-middleware';
import { createI18n } from '../../src/i18n';
import { translations } from '../../src/http/translations';

const resources = {
  en: { translation: { hello: 'Hello' } },
  fr: { translation: { hello: 'Bonjour' } },
};

/** Catalogs are per language, so the app answers fr-CA as fr: the reference's code is cut the same way. */
function echo(middleware: express.RequestHandler, languageOnly = false) {
  const app = express();
  app.use(middleware);
  app.use((req, res) => res.json({ lang: languageOnly ? req.language.split('-')[0] : req.language, hello: req.t('hello') }));
  return app;
}

const cases: { url: string; headers: Record<string, string> }[] = [];
const headers = [undefined, '', 'fr', 'fr-CA,fr;q=0.9,en;q=0.5', 'de-DE', 'en;q=0.1, fr;q=0.9', 'pt-BR', 'fr-FR', 'zh-Hant-TW', '*', 'x'.repeat(300) + ',fr'];
const cookies = [undefined, 'lang=fr', 'lang=en', 'bw.sid=abc', 'xlang=fr', 'lang=de', 'a=1; lang=fr; b=2', 'language=fr'];
const urls = ['/', '/page', '/?lng=fr', '/?lng=en', '/?lng=<script>', '/?lng', '/?x=1', '/x&lng=fr', '/path?a=b&lng=fr', '/?LNG=fr'];
for (const url of urls) {
  for (const cookie of cookies) {
    for (const header of headers) {
      const h: Record<string, string> = {};
      if (header !== undefined) h['accept-language'] = header;
      if (cookie !== undefined) h.cookie = cookie;
      cases.push({ url, headers: h });
    }
  }
}

test('every request gets the language i18next-http-middleware would give it, again and again', async () => {
  const reference = echo(handle(createI18n(resources)) as express.RequestHandler, true);
  const ours = echo(translations(createI18n(resources)));
  const differences: string[] = [];
  // Twice: the second pass is answered from what the middleware remembered.
  for (let pass = 0; pass < 2; pass++) {
    for (const { url, headers: h } of cases) {
      const [want, got] = await Promise.all([request(reference).get(url).set(h), request(ours).get(url).set(h)]);
      if (JSON.stringify(got.body) !== JSON.stringify(want.body)) differences.push(`${url} ${JSON.stringify(h)}: ${JSON.stringify(got.body)} != ${JSON.stringify(want.body)}`);
    }
  }
  expect(cases.length).toBeGreaterThan(800);
  expect(differences).toEqual([]);
}, 90_000);
