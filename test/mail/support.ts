// What the mail tests share: a worker on a test database and a real SMTP server, a logger whose
// lines the test can read, a second connection to the same database (as another process has),
// and the outbox as stored.
import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import { createDb, type Db } from '../../src/db/knex';
import type { TestDb } from '../support/db';
import type { TestClock } from '../support/clock';
import { createSmtpTransport } from '../../src/mail/transport';
import { createMailWorker, type MailWorker, type MailWorkerOptions } from '../../src/mail/worker';
import { toDateOrNull, toNumber } from '../../src/db/values';
import type { OutgoingEmail } from '../../src/mail/types';

export const FROM = 'Bridgework Test <training@bridgework.test>';

/** A pino logger writing JSON lines to memory. */
export function memoryLogger(): { logger: Logger; lines: () => Record<string, unknown>[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

/** Another connection pool to the same database, as a second app process would have. */
export function secondConnection(testDb: TestDb): Db {
  const config = testDb.db.client.config as { connection: unknown; searchPath?: string[] };
  if (testDb.dialect === 'postgres') {
    return createDb({ databaseUrl: process.env.TEST_DATABASE_URL!, searchPath: config.searchPath?.[0] });
  }
  return createDb({ databaseUrl: null, sqliteFile: (config.connection as { filename: string }).filename });
}

export function worker(db: Db, clock: TestClock, smtpUrl: string, extra: Partial<MailWorkerOptions> = {}): MailWorker {
  return createMailWorker({ db, clock, transport: createSmtpTransport(smtpUrl), logger: pino({ level: 'silent' }), from: FROM, ...extra });
}

/** One run of a fresh worker, stopped afterwards (so its lease is free for the next). */
export async function runWorkerOnce(db: Db, clock: TestClock, smtpUrl: string, extra: Partial<MailWorkerOptions> = {}) {
  const w = worker(db, clock, smtpUrl, extra);
  try {
    return await w.runOnce();
  } finally {
    await w.stop();
  }
}

let seq = 0;
export function email(overrides: Partial<OutgoingEmail> = {}): OutgoingEmail {
  seq++;
  return {
    kind: 'test_message',
    to: `learner${seq}@example.org`,
    subject: `Test message ${seq}`,
    text: `Hello number ${seq}.\nYour course is due soon.`,
    dedupeKey: `test:${seq}:${Date.now()}`,
    ...overrides,
  };
}

export interface StoredMessage {
  id: number;
  recipient: string;
  attempts: number;
  nextAttemptAt: Date | null;
  sentAt: Date | null;
  failedAt: Date | null;
  lastError: string | null;
  claimedBy: string | null;
}

export async function outbox(db: Db): Promise<StoredMessage[]> {
  const rows = await db('outbox').orderBy('id');
  return rows.map((r: Record<string, unknown>) => ({
    id: toNumber(r.id),
    recipient: String(r.recipient),
    attempts: toNumber(r.attempts),
    nextAttemptAt: toDateOrNull(r.next_attempt_at),
    sentAt: toDateOrNull(r.sent_at),
    failedAt: toDateOrNull(r.failed_at),
    lastError: r.last_error == null ? null : String(r.last_error),
    claimedBy: r.claimed_by == null ? null : String(r.claimed_by),
  }));
}
