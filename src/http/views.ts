// Page rendering: a view renders into the layout in two template calls, with no include(), since
// EJS touches the file system on every include even with its cache on.
import { VIEWS_DIR } from '../paths';
import type {} from 'i18next-http-middleware';
import type { Express, Request, Response, NextFunction } from 'express';

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

const formatters = new Map<string, { dateFormat: Intl.DateTimeFormat; numberFormat: Intl.NumberFormat }>();

/** Intl formatters are costly to build: one pair per language, built on first use. */
function formattersFor(lang: string) {
  let f = formatters.get(lang);
  if (!f) {
    f = { dateFormat: new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeZone: 'UTC' }), numberFormat: new Intl.NumberFormat(lang) };
    formatters.set(lang, f);
  }
  return f;
}

/** Locals every view may use: the translation function, language, formatters and the user. */
export function viewLocals(req: Request, res: Response, next: NextFunction): void {
  const lang = req.language || 'en';
  const { dateFormat, numberFormat } = formattersFor(lang);
  res.locals.t = req.t;
  // A curriculum problem in the reader's language (its English `message` is for the terminal).
  res.locals.problemText = (p: { key?: string; params?: Record<string, unknown>; message: string }) => (p.key ? req.t(`problems.${p.key}`, p.params) : p.message);
  res.locals.errorText = (e: string | { key: string; params: Record<string, unknown> }) => (typeof e === 'string' ? req.t(e) : req.t(e.key, e.params));
  res.locals.lang = lang;
  res.locals.formatDate = (d: Date) => dateFormat.format(d);
  res.locals.formatNumber = (n: number) => numberFormat.format(n);
  res.locals.user = req.user ?? null;
  res.locals.currentPath = req.path;
  res.page = (view, model = {}, status = 200) => {
    res.status(status);
    res.render(view, model, (err, body) => {
      if (err) return next(err);
      res.render('layout', { ...model, body }, (layoutErr, html) => {
        if (layoutErr) return next(layoutErr);
        res.send(html);
      });
    });
  };
  next();
}
