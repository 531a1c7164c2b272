// Reads the bearer token of an API request and records whom it speaks for (`req.apiToken`) or why
// nobody (`req.apiTokenFailure`); the route's guard (requiresToken) decides. Tokens are only ever
// read from the Authorization header: a token in a URL would end up in logs and browser history.
import type { RequestHandler } from 'express';
import type { ApiTokenService } from './tokens';
import { auditOrigin } from '../audit/record';

const BEARER = /^Bearer +(\S+) *$/i;

export function bearerAuthentication(tokens: ApiTokenService): RequestHandler {
  return async (req, _res, next) => {
    const header = req.get('authorization');
    if (header === undefined || header.trim() === '') {
      req.apiTokenFailure = 'missing';
      return next();
    }
    const match = BEARER.exec(header);
    if (!match) {
      req.apiTokenFailure = 'malformed';
      return next();
    }
    const result = await tokens.authenticate(match[1], auditOrigin(req));
    if (result.ok) req.apiToken = result.principal;
    else req.apiTokenFailure = result.failure;
    next();
  };
}
