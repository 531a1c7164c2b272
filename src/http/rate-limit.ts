// Rate limits whose counters live in the database, so several app processes count together.
import { rateLimit, type Store, type ClientRateLimitInfo, type Options } from 'express-rate-limit';
import type { Request, RequestHandler } from 'express';
import type { Db } from '../db/knex';
import type { Clock } from '../clock';
import { toNumber } from '../db/values';
import { tooManyRequests } from './errors';

export class KnexRateLimitStore implements Store {
  private windowMs = 60_000;
  prefix: string;
  localKeys = false;

  constructor(private readonly db: Db, private readonly clock: Clock, prefix: string) {
    this.prefix = prefix + ':';
  }

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    const now = this.clock.now().getTime();
    const k = this.prefix + key;
    // One atomic upsert on both dialects: a counter whose window has passed starts again at 1.
    const [row] = await this.db('rate_limits')
      .insert({ key: k, hits: 1, reset_at: now + this.windowMs })
      .onConflict('key')
      .merge({
        hits: this.db.raw('case when rate_limits.reset_at <= ? then 1 else rate_limits.hits + 1 end', [now]),
        reset_at: this.db.raw('case when rate_limits.reset_at <= ? then ? else rate_limits.reset_at end', [now, now + this.windowMs]),
      })
      .returning(['hits', 'reset_at']);
    // express-rate-limit compares resetTime with Date.now() (and skips the decrement of a
    // successful login once it has passed), so the time left by the injected clock is given on
    // the wall clock: with a test clock in the past, successful logins were never uncounted.
    return { totalHits: toNumber(row.hits), resetTime: new Date(Date.now() + (toNumber(row.reset_at) - now)) };
  }

  async decrement(key: string): Promise<void> {
    await this.db('rate_limits').where({ key: this.prefix + key }).where('hits', '>', 0).decrement('hits', 1);
  }

  async resetKey(key: string): Promise<void> {
    await this.db('rate_limits').where({ key: this.prefix + key }).delete();
  }
}

export interface LimitOptions {
  name: string;
  windowMs: number;
  limit: number;
  /** Count only failed attempts (login): a user who signs in correctly is never locked out. */
  skipSuccessfulRequests?: boolean;
  /** What is counted; by default the client's address. */
  key?: (req: Request) => string;
}

export function createLimiter(db: Db, clock: Clock, o: LimitOptions): RequestHandler {
  return rateLimit({
    windowMs: o.windowMs,
    limit: o.limit,
    skipSuccessfulRequests: o.skipSuccessfulRequests ?? false,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    store: new KnexRateLimitStore(db, clock, o.name),
    ...(o.key ? { keyGenerator: o.key } : {}),
    handler: (_req, _res, next) => next(tooManyRequests()),
  });
}
