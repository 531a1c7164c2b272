// Several middleware functions run in order as one Express layer.
//
// Every layer costs each request a pass through Express's router (a match, a params callback, a
// try/catch and its bookkeeping): about a microsecond, and several objects, each. The middleware
// every signed-in page runs (session, user, timeouts, CSRF...) is one layer this way. The rules are
// the router's for middleware: `next()` and `next('route')` go on, `next(err)` (or a throw, or a
// rejected promise) leaves the series with the error, and `next('router')` leaves it for the router.
import type { NextFunction, Request, RequestHandler, Response } from 'express';

export function series(...handlers: RequestHandler[]): RequestHandler {
  const count = handlers.length;
  return (req: Request, res: Response, done: NextFunction) => {
    let index = 0;
    const next = (err?: unknown): void => {
      if (err && err !== 'route') return done(err);
      if (index === count) return done();
      const handler = handlers[index++]!;
      try {
        const result: unknown = handler(req, res, next);
        if (result instanceof Promise) result.then(undefined, (e: unknown) => next(e ?? new Error('Rejected promise')));
      } catch (e) {
        next(e);
      }
    };
    next();
  };
}
