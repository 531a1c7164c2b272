// An SMTP outage loses nothing: a message that could not be sent is tried again after an
// exponentially growing wait (the test moves the clock), and delivered once the server is back.
// A permanent refusal, or too many attempts, gives the message up and logs it.
import { createTestDb, type TestDb } from '../support/db';
import { TestClock } from '../support/clock';
import { enqueueEmail } from '../../src/mail/outbox';
import { describeFailure, isPermanentFailure, retryDelayMs, DEFAULT_RETRY } from '../../src/mail/retry';
import { startTestSmtpServer, type TestSmtpServer } from './smtp-test-server';
import { email, memoryLogger, outbox, runWorkerOnce, worker } from './support';

const MINUTE = 60_000;
let testDb: TestDb;
let smtp: TestSmtpServer;
let clock: TestClock;

beforeAll(async () => {
  testDb = await createTestDb();
  smtp = await startTestSmtpServer();
});
afterAll(async () => {
  await smtp.stop();
  await testDb.drop();
});
beforeEach(async () => {
  await testDb.db('outbox').delete();
  await testDb.db('leases').delete();
  smtp.received.length = 0;
  smtp.refuseRecipients(null);
  clock = new TestClock();
});

test('the wait doubles from one minute and stops growing at four hours', () => {
  expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(n) / MINUTE)).toEqual([1, 2, 4, 8, 16]);
  expect(retryDelayMs(9) / MINUTE).toBe(240);
  expect(retryDelayMs(500) / MINUTE).toBe(240);
  expect(DEFAULT_RETRY.maxAttempts).toBeGreaterThan(5);
});

test('a stopped server loses nothing: the message waits its backoff and goes out when the server is back', async () => {
  const { db } = testDb;
  const message = email({ to: 'bylaw@example.org' });
  await enqueueEmail(db, message, clock.now());
  const start = clock.now().getTime();
  await smtp.stop();
  try {
    expect(await runWorkerOnce(db, clock, smtp.url)).toMatchObject({ sent: 0, retried: 1 });
    let [row] = await outbox(db);
    expect(row).toMatchObject({ attempts: 1, sentAt: null, failedAt: null, claimedBy: null });
    expect(row.lastError).toMatch(/ECONNECTION|ECONNREFUSED/);
    expect(row.nextAttemptAt!.getTime()).toBe(start + MINUTE);

    // Not due yet: nothing is tried, the attempt count stays.
    clock.advance(MINUTE - 1000);
    expect(await runWorkerOnce(db, clock, smtp.url)).toMatchObject({ sent: 0, retried: 0 });
    // Due, and the server is still down: the wait doubles.
    clock.advance(1000);
    expect(await runWorkerOnce(db, clock, smtp.url)).toMatchObject({ sent: 0, retried: 1 });
    [row] = await outbox(db);
    expect(row.attempts).toBe(2);
    expect(row.nextAttemptAt!.getTime()).toBe(clock.now().getTime() + 2 * MINUTE);
  } finally {
    await smtp.restart();
  }
  clock.advance(2 * MINUTE);
  expect(await runWorkerOnce(db, clock, smtp.url)).toMatchObject({ sent: 1, retried: 0 });
  expect(smtp.received.map((m) => m.envelopeTo)).toEqual([['bylaw@example.org']]);
  const [row] = await outbox(db);
  expect(row).toMatchObject({ attempts: 3, lastError: null, claimedBy: null });
  expect(row.sentAt).toEqual(clock.now());
});

test('a server answering 4xx ("try later") is retried after the backoff, then delivers', async () => {
  const { db } = testDb;
  await enqueueEmail(db, email(), clock.now());
  smtp.refuseRecipients({ code: 451, message: 'Mailbox busy, try again later' });
  expect(await runWorkerOnce(db, clock, smtp.url)).toMatchObject({ sent: 0, retried: 1 });
  const [row] = await outbox(db);
  expect(row.lastError).toContain('451');
  expect(row.lastError).toContain('RCPT TO');

  smtp.refuseRecipients(null);
  expect(await runWorkerOnce(db, clock, smtp.url)).toMatchObject({ sent: 0 });
  clock.advance(MINUTE);
  expect(await runWorkerOnce(db, clock, smtp.url)).toMatchObject({ sent: 1 });
  expect(smtp.received).toHaveLength(1);
});

test('a 5xx refusal of the recipient gives the message up at once and logs it', async () => {
  const { db } = testDb;
  await enqueueEmail(db, email({ kind: 'assignment_reminder' }), clock.now());
  smtp.refuseRecipients({ code: 550, message: 'No such user here' });
  const { logger, lines } = memoryLogger();
  const w = worker(db, clock, smtp.url, { logger });
  expect(await w.runOnce()).toMatchObject({ sent: 0, retried: 0, failed: 1 });
  const [row] = await outbox(db);
  expect(row.failedAt).toEqual(clock.now());
  expect(row.lastError).toContain('550');
  const given = lines().filter((l) => l.msg === 'email given up after a failed send');
  expect(given).toEqual([expect.objectContaining({ level: 50, outboxId: row.id, kind: 'assignment_reminder', attempts: 1 })]);

  // Never tried again, however long we wait.
  smtp.refuseRecipients(null);
  clock.advance(24 * 60 * MINUTE);
  expect(await w.runOnce()).toMatchObject({ sent: 0, failed: 0 });
  await w.stop();
  expect(smtp.received).toHaveLength(0);
});

test('after the last allowed attempt a message is marked failed and logged', async () => {
  const { db } = testDb;
  await enqueueEmail(db, email(), clock.now());
  smtp.refuseRecipients({ code: 421, message: 'Service not available' });
  const { logger, lines } = memoryLogger();
  const w = worker(db, clock, smtp.url, { logger, retry: { maxAttempts: 3 } });
  expect(await w.runOnce()).toMatchObject({ retried: 1 });
  clock.advance(MINUTE);
  expect(await w.runOnce()).toMatchObject({ retried: 1 });
  clock.advance(2 * MINUTE);
  expect(await w.runOnce()).toMatchObject({ retried: 0, failed: 1 });
  await w.stop();
  const [row] = await outbox(db);
  expect(row.attempts).toBe(3);
  expect(row.failedAt).toEqual(clock.now());
  expect(lines().filter((l) => l.msg === 'email not sent; will retry')).toHaveLength(2);
  expect(lines().filter((l) => l.msg === 'email given up after a failed send')).toHaveLength(1);
});

test('which failures are permanent, and what is recorded of them', () => {
  expect(isPermanentFailure({ responseCode: 550, command: 'RCPT TO' })).toBe(true);
  expect(isPermanentFailure({ responseCode: 554, command: 'DATA' })).toBe(true);
  // The operator's to fix: retried so nothing is lost meanwhile.
  expect(isPermanentFailure({ responseCode: 535, command: 'AUTH PLAIN' })).toBe(false);
  expect(isPermanentFailure({ responseCode: 553, command: 'MAIL FROM' })).toBe(false);
  expect(isPermanentFailure({ responseCode: 451, command: 'RCPT TO' })).toBe(false);
  expect(isPermanentFailure(new Error('connect ECONNREFUSED'))).toBe(false);

  const described = describeFailure(Object.assign(new Error('Connection to smtp://bridgework:hunter2@mail.example.org:587\r\nfailed'), { code: 'ECONNECTION' }));
  expect(described).toBe('ECONNECTION: Connection to smtp://***@mail.example.org:587 failed');
  expect(describeFailure(new Error('x'.repeat(1000))).length).toBe(300);
});
