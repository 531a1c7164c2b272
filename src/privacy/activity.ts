// Remembers the day a person was last signed in (users.last_active_at), which the retention
// period counts from. Written at most once a day per person per process: one small update a day,
// not one per request. Time from the injected clock.
import type { RequestHandler } from 'express';
import type { Clock } from '../clock';
import type { Db } from '../db/knex';
import { touchActivity } from './store';

const DAY_MS = 24 * 60 * 60 * 1000;

export function recordActivity({ db, clock }: { db: Db; clock: Clock }): RequestHandler {
  const seen = new Map<number, number>();
  return (req, _res, next) => {
    const user = req.user;
    if (!user) return next();
    const now = clock.now();
    const last = seen.get(user.id);
    if (last !== undefined && now.getTime() - last < DAY_MS) return next();
    // Bounded: forgetting costs one extra write.
    if (seen.size > 100_000) seen.clear();
    seen.set(user.id, now.getTime());
    touchActivity(db, user.id, now).then(() => next(), () => { seen.delete(user.id); next(); });
  };
}
