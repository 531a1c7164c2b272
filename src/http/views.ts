// Page rendering: a view renders into the layout in two template calls, with no include(), since
// EJS touches the file system on every include even with its cache on.
import { VIEWS_DIR } from '../paths';
import { createTemplates } from './templates';
import { navigationFor } from './navigation';
import type { Translate } from '../i18n-compiled';
import type {} from 'i18next-http-middleware';
import type { Express, Request, Response, NextFunction } from 'express';
import { formatDuration } from '../certificates/record';

declare module 'express-serve-static-core' {
  interface Response {
    /** Renders `view` inside the layout with a page title and status. */
    page(view: string, model?: Record<string, unknown>, status?: number): void;
  }
}

export function configureViews(app: Express, cache: boolean): void {
  app.set('view engine', 'ejs');
  app.set('views', VIEWS_DIR);
  app.set('view cache', cache);
}

/** What views use of a language: its translate function, formatters and the helpers built on them. */
interface LanguageLocals {
  lang: string;
  t: Translate;
  /** A curriculum problem in the reader's language (its English `message` is for the terminal). */
  problemText(p: { key?: string; params?: Record<string, unknown>; message: string }): string;
  errorText(e: string | { key: string; params: Record<string, unknown> }): string;
  formatDate(d: Date): string;
  formatNumber(n: number): string;
  /** A training time as it is said: "50 minutes", "1 hour 10 minutes" (as on certificates). */
  formatDuration(hours: number): string;
}

/**
 * Built once per translate function (one per language), so a request makes no closures: Intl
 * formatters are costly to build, and the helpers are the same for every reader of a language.
 */
const byTranslate = new WeakMap<Translate, LanguageLocals>();

function languageLocals(t: Translate, lang: string): LanguageLocals {
  let l = byTranslate.get(t);
  if (!l || l.lang !== lang) {
    const dateFormat = new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeZone: 'UTC' });
    const numberFormat = new Intl.NumberFormat(lang);
    l = {
      lang,
      t,
      problemText: (p) => (p.key ? t(`problems.${p.key}`, p.params) : p.message),
      errorText: (e) => (typeof e === 'string' ? t(e) : t(e.key, e.params)),
      formatDate: (d) => dateFormat.format(d),
      formatNumber: (n) => numberFormat.format(n),
      formatDuration: (hours) => formatDuration(hours, t),
    };
    byTranslate.set(t, l);
  }
  return l;
}

/** res.page: the view, then the layout around it; a failure goes to the error handlers. */
function renderPage(this: Response, view: string, model: Record<string, unknown> = {}, status = 200): void {
  sendPage(this, view, model, status);
}

function sendPage(res: Response, view: string, model: Record<string, unknown>, status: number): void {
  res.status(status);
  let html: string;
  try {
    // One merge for both templates: a view cannot change its data (its names are variables of its
    // own: src/http/templates.ts), so the layout gets the same data with the view's HTML added.
    const data = viewData(res, model);
    const cache = res.app.enabled('view cache');
    data.body = templates.render(view, data, cache);
    html = templates.render('layout', data, cache);
  } catch (err) {
    return res.req.next!(err);
  }
  sendHtml(res, html);
}

const templates = createTemplates(VIEWS_DIR);

/**
 * A view rendered to a string with what res.render gives it (the app's locals, the response's,
 * then the model), but called directly: res.render goes through Express's view lookup and a
 * deferred callback, and merges the three objects again for each of a page's two templates.
 * Throws what the template throws.
 */
export function renderView(res: Response, name: string, model: Record<string, unknown>): string {
  return templates.render(name, viewData(res, model), res.app.enabled('view cache'));
}

/** What a view sees: the app's locals, then the response's, then the model, as res.render merges them. */
function viewData(res: Response, model: Record<string, unknown>): Record<string, unknown> {
  return { ...res.app.locals, ...res.locals, ...model };
}

/**
 * The page as a string, as res.send would send it (type, length, no body for HEAD) but without
 * copying it into a Buffer first: Node writes a string response with its headers in one piece,
 * and that 16 KB copy per page was about a tenth of what a page allocated. (res.send's ETag and
 * freshness check are off for pages: see baseMiddleware.)
 */
function sendHtml(res: Response, html: string): void {
  if (!res.getHeader('Content-Type')) res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(html));
  if (res.req.method === 'HEAD') res.end();
  else res.end(html, 'utf8');
}

/** Locals every view may use: the translation function, language, formatters and the user. */
export function viewLocals(req: Request, res: Response, next: NextFunction): void {
  const l = languageLocals(req.t as unknown as Translate, req.language || 'en');
  const locals = res.locals;
  locals.t = l.t;
  locals.problemText = l.problemText;
  locals.errorText = l.errorText;
  locals.lang = l.lang;
  locals.formatDate = l.formatDate;
  locals.formatNumber = l.formatNumber;
  locals.formatDuration = l.formatDuration;
  locals.user = req.user ?? null;
  locals.currentPath = req.path;
  // The layout's links, from the user's capabilities: views never test roles.
  res.locals.nav = navigationFor(req.user ?? null, req.path);
  // Set here, not on every response: the error handler renders a page only once this has run.
  res.page = renderPage;
  next();
}
