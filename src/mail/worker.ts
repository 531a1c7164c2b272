// The mail worker: in whichever process holds the lease, it claims due outbox messages in
// batches, sends each through the transport, and records the outcome: sent, retried later with
// exponential backoff, or given up on. Stored times all come from the injected clock (tests move
// it); only the pause between runs is real time.
//
// Sending nothing twice: a message is marked sent as soon as the SMTP server has accepted it. If
// the process dies between the two, the message goes out again once its claim expires, with the
// same Message-ID, so receivers can recognise the copy (SMTP offers nothing stronger).
import crypto from 'node:crypto';
import os from 'node:os';
import type { Logger } from 'pino';
import type { Clock } from '../clock';
import type { Db } from '../db/knex';
import { takeLease, releaseLease } from './lease';
import { claimDue, markSent, markRetry, markFailed, releaseClaims, type OutboxMessage } from './outbox-store';
import { DEFAULT_RETRY, retryDelayMs, isPermanentFailure, describeFailure, type RetryPolicy } from './retry';
import { fromDomain, messageIdFor } from './transport';
import type { MailTransport } from './types';

export const MAIL_LEASE = 'mail-worker';

export interface MailWorkerOptions {
  db: Db;
  clock: Clock;
  transport: MailTransport;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** The From address of every message (config.mailFrom). */
  from: string;
  /** Names this worker in the lease and its claims; unique per process by default. */
  workerId?: string;
  batchSize?: number;
  /** Real time between runs while started. */
  pollIntervalMs?: number;
  /** How long the lease lasts unless renewed; it is renewed before each send once half spent. */
  leaseMs?: number;
  /**
   * How long a claimed message is reserved for this worker. Longer than the lease, so a worker
   * that stalls loses its lease (and stops at the next message) before its claims expire.
   */
  claimMs?: number;
  retry?: Partial<RetryPolicy>;
}

export interface RunSummary {
  /** Whether this worker held the lease (if not, another process is sending and it did nothing). */
  leased: boolean;
  sent: number;
  retried: number;
  failed: number;
}

export interface MailWorker {
  readonly id: string;
  /** Runs now, then every pollIntervalMs until stop(). */
  start(): void;
  /** Finishes the message in hand, hands back unsent claims and the lease. */
  stop(): Promise<void>;
  /** One run: take the lease, send what is due (a few batches at most). Runs never overlap. */
  runOnce(): Promise<RunSummary>;
}

const MAX_BATCHES_PER_RUN = 10;

export function createMailWorker(options: MailWorkerOptions): MailWorker {
  const { db, clock, transport, logger, from } = options;
  const id = options.workerId ?? `${os.hostname()}:${process.pid}:${crypto.randomBytes(4).toString('hex')}`;
  const batchSize = options.batchSize ?? 20;
  const pollIntervalMs = options.pollIntervalMs ?? 10_000;
  const leaseMs = options.leaseMs ?? 3 * 60_000;
  const claimMs = options.claimMs ?? 10 * 60_000;
  const retry: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  const domain = fromDomain(from);

  let leaseUntil: Date | null = null;
  let running: Promise<RunSummary> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let started = false;
  let stopping = false;

  /** Takes or renews the lease when less than half of it is left; false when another process has it. */
  async function holdLease(): Promise<boolean> {
    const now = clock.now();
    if (leaseUntil && leaseUntil.getTime() - now.getTime() > leaseMs / 2) return true;
    const had = leaseUntil !== null;
    leaseUntil = await takeLease(db, { name: MAIL_LEASE, holder: id, now, ttlMs: leaseMs });
    if (leaseUntil && !had) logger.info({ worker: id }, 'mail worker took the sending lease');
    if (!leaseUntil && had) logger.warn({ worker: id }, 'mail worker lost the sending lease');
    return leaseUntil !== null;
  }

  async function send(message: OutboxMessage, summary: RunSummary): Promise<void> {
    try {
      await transport.sendMail({
        from,
        to: message.recipient,
        subject: message.subject,
        text: message.text,
        ...(message.html ? { html: message.html } : {}),
        messageId: messageIdFor(message, domain),
        // RFC 3834: no vacation auto-replies to a reminder.
        headers: { 'Auto-Submitted': 'auto-generated' },
      });
    } catch (err) {
      const error = describeFailure(err);
      const now = clock.now();
      const context = { outboxId: message.id, kind: message.kind, attempts: message.attempts, error };
      if (isPermanentFailure(err) || message.attempts >= retry.maxAttempts) {
        await markFailed(db, message.id, id, { now, error });
        logger.error(context, 'email given up after a failed send');
        summary.failed++;
      } else {
        const nextAttemptAt = new Date(now.getTime() + retryDelayMs(message.attempts, retry));
        await markRetry(db, message.id, id, { nextAttemptAt, error });
        logger.warn({ ...context, nextAttemptAt }, 'email not sent; will retry');
        summary.retried++;
      }
      return;
    }
    await markSent(db, message.id, clock.now());
    summary.sent++;
  }

  async function run(): Promise<RunSummary> {
    const summary: RunSummary = { leased: false, sent: 0, retried: 0, failed: 0 };
    if (stopping || !(await holdLease())) return summary;
    summary.leased = true;
    for (let batchNo = 0; batchNo < MAX_BATCHES_PER_RUN && !stopping; batchNo++) {
      const now = clock.now();
      const batch = await claimDue(db, { workerId: id, now, claimUntil: new Date(now.getTime() + claimMs), limit: batchSize });
      let tried = 0;
      try {
        for (const message of batch) {
          if (stopping || !(await holdLease())) break;
          // Counted before sending: a message whose outcome could not be recorded keeps its claim
          // until it expires (the server may have accepted it) rather than going straight back.
          tried++;
          await send(message, summary);
        }
      } finally {
        // Whatever was claimed and not tried goes back at once (a stop, a lost lease, an error).
        await releaseClaims(db, id, batch.slice(tried).map((m) => m.id));
      }
      if (tried < batch.length || batch.length < batchSize) break;
    }
    return summary;
  }

  function runOnce(): Promise<RunSummary> {
    const next = (running ?? Promise.resolve()).catch(() => undefined).then(run);
    running = next;
    return next;
  }

  function schedule(delayMs: number): void {
    if (stopping) return;
    timer = setTimeout(() => {
      timer = null;
      runOnce()
        .catch((err) => logger.warn({ err, worker: id }, 'mail worker run failed; trying again later'))
        .finally(() => schedule(pollIntervalMs));
    }, delayMs);
    timer.unref();
  }

  return {
    id,
    start() {
      if (started) return;
      started = true;
      schedule(0);
    },
    async stop() {
      stopping = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await running?.catch(() => undefined);
      if (leaseUntil) {
        await releaseLease(db, { name: MAIL_LEASE, holder: id, now: clock.now() }).catch((err) => logger.warn({ err }, 'mail worker could not release its lease'));
        leaseUntil = null;
      }
    },
    runOnce,
  };
}
