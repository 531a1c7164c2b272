// Each request is answered in its language: <html lang>, Content-Language and every word, with
// English as the fallback. French is not shipped yet; a test catalog stands in for it here.
import express from 'express';
import request from 'supertest';
import { createI18n } from '../../src/i18n';
import { translations } from '../../src/http/translations';
import { createTestApp, type TestApp } from '../support/app';

function echo() {
  const app = express();
  app.use(translations(createI18n({ en: { translation: { hello: 'Hello' } }, fr: { translation: { hello: 'Bonjour' } } })));
  app.get('/', (req, res) => res.json({ lang: req.language, hello: req.t('hello') }));
  return app;
}

test('the language comes from ?lng=, then the lang cookie, then Accept-Language, else English', async () => {
  const app = echo();
  expect((await request(app).get('/').set('Accept-Language', 'fr-CA,fr;q=0.9,en;q=0.5')).body).toEqual({ lang: 'fr', hello: 'Bonjour' });
  expect((await request(app).get('/').set('Accept-Language', 'de-DE')).body).toEqual({ lang: 'en', hello: 'Hello' });
  expect((await request(app).get('/?lng=en').set('Accept-Language', 'fr')).body).toEqual({ lang: 'en', hello: 'Hello' });
  expect((await request(app).get('/').set('Cookie', 'lang=fr')).body).toEqual({ lang: 'fr', hello: 'Bonjour' });
  expect((await request(app).get('/?lng=<script>')).body).toEqual({ lang: 'en', hello: 'Hello' });
  const res = await request(app).get('/').set('Accept-Language', 'fr');
  expect(res.headers['content-language']).toBe('fr');
});

describe('the app', () => {
  let t: TestApp;
  beforeAll(async () => { t = await createTestApp(); });
  afterAll(async () => { await t.close(); });

  test('a language the app does not have yet falls back to English pages', async () => {
    const res = await request(t.app).get('/courses').set('Accept-Language', 'fr-CA').expect(200);
    expect(res.text).toMatch(/<html lang="en">/);
    expect(res.headers['content-language']).toBe('en');
    expect(res.text).toContain('<h1>Courses</h1>');
  });
});
