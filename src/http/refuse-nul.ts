// A NUL character is never part of a real name, address, answer or course: PostgreSQL refuses it
// in text (a 500 if it reached a query), SQLite stores it silently. Refused here, at the edge,
// with a 400, for the address, the query string and every parsed form or JSON field.
import type { RequestHandler } from 'express';
import { badRequest } from './errors';

function holdsNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (depth > 8 || value === null || typeof value !== 'object') return false;
  for (const [k, v] of Object.entries(value)) if (k.includes('\u0000') || holdsNul(v, depth + 1)) return true;
  return false;
}

export const refuseNul: RequestHandler = (req, _res, next) => {
  if (/%00/i.test(req.originalUrl) || req.originalUrl.includes('\u0000') || holdsNul(req.body)) return next(badRequest());
  next();
};
