// Synchronizer-token CSRF protection. The token lives in the session and is created only when a
// page renders a form, so pages without forms never create a session.
import crypto from 'node:crypto';
import type { RequestHandler } from 'express';
import { csrfFailed } from './errors';
import { equalSecrets } from '../hash';

declare module '../sessions/session' {
  interface SessionData {
    csrfToken?: string;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const csrfProtection: RequestHandler = (req, res, next) => {
  res.locals.csrfToken = () => {
    if (!req.session.csrfToken) req.session.csrfToken = crypto.randomBytes(24).toString('base64url');
    return req.session.csrfToken;
  };
  if (SAFE_METHODS.has(req.method)) return next();
  // The reporting API is authenticated by a bearer token, which a browser never attaches by itself,
  // so there is no ambient authority to forge; a cookie alone never passes its guard (requiresToken).
  if (req.path.startsWith('/api/') && /^Bearer\s/i.test(req.get('authorization') ?? '')) return next();
  // A multipart upload's body is read by its route, after this check: its form carries the token
  // in the action's query string instead (`?_csrf=`; pages send no Referer and logs drop queries).
  const inQuery = req.is('multipart/form-data') && typeof req.query._csrf === 'string' ? req.query._csrf : undefined;
  const sent = (req.body && typeof req.body._csrf === 'string' ? req.body._csrf : undefined) ?? req.get('x-csrf-token') ?? inQuery;
  const expected = req.session?.csrfToken;
  if (!sent || !expected || !equalSecrets(sent, expected)) return next(csrfFailed());
  next();
};
