// Role guards. Every route names who may reach it as its first handler: `publicAccess`,
// `signedIn` or `hasRole(...)`. A test walks the router and fails on a route without one.
import type { Request, RequestHandler } from 'express';
import type { Role } from '../accounts/types';
import { forbidden, HttpError } from './errors';

export type AccessHandler = RequestHandler & { access: string };

function tag(handler: RequestHandler, access: string): AccessHandler {
  return Object.assign(handler, { access });
}

/** Only local paths: a `next` parameter must never send someone to another site. */
export function safeLocalPath(value: unknown, fallback = '/dashboard'): string {
  return typeof value === 'string' && /^\/(?![/\\])/.test(value) ? value : fallback;
}

function askToSignIn(req: Request): HttpError | string {
  if (req.method === 'GET' && req.accepts(['html', 'json']) === 'html') {
    return `/login?next=${encodeURIComponent(req.originalUrl)}`;
  }
  return new HttpError(401, 'unauthenticated');
}

export const publicAccess: AccessHandler = tag((_req, _res, next) => next(), 'public');

export const signedIn: AccessHandler = tag((req, res, next) => {
  if (req.user) return next();
  const answer = askToSignIn(req);
  return typeof answer === 'string' ? res.redirect(303, answer) : next(answer);
}, 'signed-in');

export function hasRole(...roles: Role[]): AccessHandler {
  return tag((req, res, next) => {
    if (!req.user) {
      const answer = askToSignIn(req);
      return typeof answer === 'string' ? res.redirect(303, answer) : next(answer);
    }
    return roles.includes(req.user.role) ? next() : next(forbidden());
  }, `role:${roles.join(',')}`);
}
