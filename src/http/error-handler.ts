// The one place errors become responses: a page with a helpful message, or JSON for API clients.
// The message of anything unexpected is logged, never shown.
import type {} from 'pino-http';
import type {} from 'i18next-http-middleware';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { HttpError, notFound } from './errors';

export const notFoundHandler: RequestHandler = (_req, _res, next) => next(notFound());

function asHttpError(err: unknown): HttpError | null {
  if (err instanceof HttpError) return err;
  // body-parser and friends mark client errors with an exposed 4xx status.
  const e = err as { status?: number; statusCode?: number; expose?: boolean; type?: string };
  const status = e?.status ?? e?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new HttpError(status, status === 413 ? 'too_large' : 'bad_request');
  }
  return null;
}

export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  const known = asHttpError(err);
  const status = known?.status ?? 500;
  const id = known?.id ?? 'internal';
  if (!known) req.log?.error({ err }, 'unhandled error');
  if (res.headersSent) return void res.end();
  const t = req.t ?? ((k: string) => k);
  const title = t(`errors.${id}.title`);
  const message = t(`errors.${id}.message`);
  if (req.path.startsWith('/api/') || (req.accepts(['html', 'json']) === 'json')) {
    return void res.status(status).json({ error: { id, message } });
  }
  if (typeof res.page === 'function') {
    return res.page('errors/error', { title, message, status }, status);
  }
  res.status(status).type('text/plain').send(`${title}\n${message}`);
};
