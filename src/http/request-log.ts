// A request id on every request (echoed in X-Request-Id) and one log line per response: method,
// path without its query, status, response time; error level for 5xx. It replaces pino-http,
// which built two child loggers per request (serializing the request into each) and also logged
// every response header, the session cookie included.
import crypto from 'node:crypto';
import type { Express, RequestHandler, Request, Response } from 'express';
import type { Logger } from 'pino';

// Every request has an id and a logger bound to it (the error handler logs with req.log).
declare module 'http' {
  interface IncomingMessage {
    id: string;
    log: Logger;
  }
}

/** A client's own request id is used when it is this plain; otherwise one is made. */
const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;
/** When the response began, on responses whose line is logged (src/http/server.ts declares it). */
export const STARTED = Symbol('requestStarted');
type TimedResponse = Response & { [STARTED]?: number };

/** What is logged of a request: learner data is sensitive, so no cookies, bodies or query strings. */
function requestFields(req: Request) {
  const url = req.originalUrl || req.url;
  const query = url.indexOf('?');
  return { id: req.id, method: req.method, url: query < 0 ? url : url.slice(0, query) };
}

export function requestLog(app: Express, logger: Logger): RequestHandler {
  // `req.log`, a logger bound to the request, is made only when something logs with it.
  Object.defineProperty(app.request, 'log', {
    configurable: true,
    get(this: Request) {
      const log = logger.child({ req: requestFields(this) });
      Object.defineProperty(this, 'log', { value: log, writable: true, configurable: true, enumerable: true });
      return log;
    },
    set(this: Request, log: Logger) {
      Object.defineProperty(this, 'log', { value: log, writable: true, configurable: true, enumerable: true });
    },
  });

  // A response's "close" comes once, after it was sent or when the client went away; one shared
  // listener (no closure per request) writes the line.
  function logResponse(this: TimedResponse): void {
    const status = this.statusCode;
    const level = status >= 500 ? 'error' : 'info';
    if (!logger.isLevelEnabled(level)) return;
    const responseTime = Math.round((performance.now() - this[STARTED]!) * 10) / 10;
    const msg = status >= 500 ? 'request errored' : this.writableEnded && !this.req.readableAborted ? 'request completed' : 'request aborted';
    logger[level]({ req: requestFields(this.req), res: { statusCode: status }, responseTime }, msg);
  }
  // The level is fixed for the life of the app; a logger that writes nothing needs no listener.
  const logs = logger.isLevelEnabled('error');

  return (req, res, next) => {
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : crypto.randomUUID();
    req.id = id;
    res.setHeader('X-Request-Id', id);
    if (logs) {
      (res as TimedResponse)[STARTED] = performance.now();
      res.on('close', logResponse);
    }
    next();
  };
}
