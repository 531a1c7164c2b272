// Runs the reminder job in the server process: soon after start, then every hour. Of several
// processes on one database, the one holding the lease runs it (dedupe keys would stop copies
// anyway; the lease saves the others the work).
import crypto from 'node:crypto';
import type { Logger } from 'pino';
import type { Db } from '../db/knex';
import type { Clock } from '../clock';
import { takeLease } from '../mail/lease';
import type { ReminderJob } from './job';

export const REMINDER_LEASE = 'reminders';

export function scheduleReminders({ db, clock, job, logger, intervalMs = 60 * 60 * 1000, firstRunMs = 30 * 1000 }: {
  db: Db; clock: Clock; job: ReminderJob; logger: Pick<Logger, 'warn' | 'error'>; intervalMs?: number; firstRunMs?: number;
}): { stop(): void } {
  const holder = `${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
  let running: Promise<void> | null = null;
  const run = () => {
    if (running) return;
    running = (async () => {
      if (!(await takeLease(db, { name: REMINDER_LEASE, holder, now: clock.now(), ttlMs: intervalMs / 2 }))) return;
      await job.runOnce();
    })().catch((err) => logger.error({ err }, 'reminder run failed')).finally(() => { running = null; });
  };
  const first = setTimeout(run, firstRunMs);
  const timer = setInterval(run, intervalMs);
  first.unref();
  timer.unref();
  return { stop() { clearTimeout(first); clearInterval(timer); } };
}
