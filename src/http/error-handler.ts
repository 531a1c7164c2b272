// The one place errors become responses: a page with a helpful message, RFC 9457 problem details
// under /api/ (problem-details.ts), JSON for other clients asking for it, or
// (when the route said how) the form the user was filling in, with their input kept and the
// problem beside the field. The message of anything unexpected is logged, never shown.
import type {} from 'i18next-http-middleware';
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { HttpError, notFound } from './errors';
import { PROBLEM_CONTENT_TYPE, problemDetails } from './problem-details';

export const notFoundHandler: RequestHandler = (_req, _res, next) => next(notFound());

/**
 * Shows a known error on the page the user was using (a form with their input kept, or the page
 * that explains the refusal). Returns false for errors it does not show, which then get the error
 * page. Set by a route with `showErrorsOnForm` before its work.
 */
export type FormErrorView = (err: HttpError) => boolean | Promise<boolean>;

export function showErrorsOnForm(res: Response, view: FormErrorView): void {
  res.locals.formErrorView = view;
}

function asHttpError(err: unknown): HttpError | null {
  if (err instanceof HttpError) return err;
  // body-parser, busboy and friends mark client errors with an exposed 4xx status.
  const e = err as { status?: number; statusCode?: number };
  const status = e?.status ?? e?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new HttpError(status, status === 413 ? 'too_large' : 'bad_request');
  }
  return null;
}

export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  const known = asHttpError(err);
  if (!known) req.log?.error({ err }, 'unhandled error');
  if (res.headersSent) return void res.end();
  const formView = res.locals.formErrorView as FormErrorView | undefined;
  if (known && formView) {
    res.locals.formErrorView = undefined;
    // A view that fails while showing the error is itself unexpected: logged, then a plain 500.
    Promise.resolve().then(() => formView(known)).then((shown) => (shown ? undefined : respond(known)), (failure: unknown) => {
      req.log?.error({ err: failure }, 'error view failed');
      if (res.headersSent) return void res.end();
      respond(null);
    });
    return;
  }
  respond(known);

  function respond(error: HttpError | null): void {
    const status = error?.status ?? 500;
    const id = error?.id ?? 'internal';
    const t = req.t ?? ((k: string) => k);
    const title = t(`errors.${id}.title`);
    const message = error?.detail ? t(error.detail.key, error.detail.params) : t(`errors.${id}.message`);
    if (req.path.startsWith('/api/')) {
      return void res.status(status).type(PROBLEM_CONTENT_TYPE).json(problemDetails(error, t));
    }
    if (req.accepts(['html', 'json']) === 'json') {
      return void res.status(status).json({ error: { id, message } });
    }
    // The error page itself failing to render comes back here once; then plain text, never a loop.
    if (typeof res.page === 'function' && !res.locals.errorPageTried) {
      res.locals.errorPageTried = true;
      return res.page('errors/error', { title, message, status }, status);
    }
    res.status(status).type('text/plain').send(`${title}\n${message}`);
  }
};
