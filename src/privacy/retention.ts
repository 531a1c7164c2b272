// The retention period: accounts inactive for longer than RETENTION_INACTIVE_DAYS are erased, as
// if their holders had deleted them (erase.ts), so personal data is not kept past its use. Off
// when the setting is unset. Activity is the last signed-in day (users.last_active_at, activity.ts),
// or the account's creation for one never used since (an imported account nobody claimed).
// It runs daily in the server (one process, by lease) and as `bridgework privacy retention`.
import crypto from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../clock';
import type { Db } from '../db/knex';
import { HttpError } from '../http/errors';
import { takeLease } from '../mail/lease';
import type { Eraser } from './erase';
import * as store from './store';

const DAY_MS = 24 * 60 * 60 * 1000;
export const RETENTION_LEASE = 'privacy-retention';

export interface RetentionResult {
  erased: number;
  /** Accounts due but kept: the last active administrator is never erased. */
  kept: number;
}

export function createRetentionJob({ db, clock, eraser, inactiveDays }: { db: Db; clock: Clock; eraser: Eraser; inactiveDays: number | null | undefined }) {
  return {
    async runOnce(): Promise<RetentionResult> {
      const result = { erased: 0, kept: 0 };
      if (!inactiveDays) return result;
      const before = new Date(clock.now().getTime() - inactiveDays * DAY_MS);
      // In pages by id, so a kept account is not read again and again.
      for (let after = 0; ;) {
        const ids = await store.inactiveSince(db, before, after, 200);
        for (const id of ids) {
          try {
            await eraser.erase(id, 'retention');
            result.erased++;
          } catch (err) {
            if (!(err instanceof HttpError && err.id === 'last_admin')) throw err;
            result.kept++;
          }
        }
        if (ids.length < 200) return result;
        after = ids[ids.length - 1]!;
      }
    },
  };
}

export type RetentionJob = ReturnType<typeof createRetentionJob>;

/** Runs the job soon after start, then daily; of several processes, the lease holder runs it. */
export function scheduleRetention({ db, clock, job, logger, intervalMs = DAY_MS, firstRunMs = 60 * 1000 }: {
  db: Db; clock: Clock; job: RetentionJob; logger: Pick<Logger, 'info' | 'error'>; intervalMs?: number; firstRunMs?: number;
}): { stop(): void } {
  const holder = `${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
  let running = false;
  const run = () => {
    if (running) return;
    running = true;
    (async () => {
      if (!(await takeLease(db, { name: RETENTION_LEASE, holder, now: clock.now(), ttlMs: intervalMs / 2 }))) return;
      const { erased, kept } = await job.runOnce();
      if (erased || kept) logger.info({ erased, kept }, 'retention: inactive accounts erased');
    })().catch((err) => logger.error({ err }, 'retention run failed')).finally(() => { running = false; });
  };
  const first = setTimeout(run, firstRunMs);
  const timer = setInterval(run, intervalMs);
  first.unref();
  timer.unref();
  return { stop() { clearTimeout(first); clearInterval(timer); } };
}
