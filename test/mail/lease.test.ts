// Several processes on one database: exactly one holds the sending lease, claims never overlap,
// and a restarted worker sends nothing that was already sent. Each "process" here is a worker
// on a connection pool of its own to the same database (a schema of its own on PostgreSQL).
import type { Db } from '../../src/db/knex';
import { createTestDb, type TestDb } from '../support/db';
import { TestClock } from '../support/clock';
import { enqueueEmail } from '../../src/mail/outbox';
import { takeLease } from '../../src/mail/lease';
import { claimDue } from '../../src/mail/outbox-store';
import { MAIL_LEASE } from '../../src/mail/worker';
import { startTestSmtpServer, type TestSmtpServer } from './smtp-test-server';
import { email, outbox, runWorkerOnce, secondConnection, worker } from './support';

const LEASE_MS = 3 * 60_000;
let testDb: TestDb;
let otherDb: Db;
let smtp: TestSmtpServer;
let clock: TestClock;

beforeAll(async () => {
  testDb = await createTestDb();
  otherDb = secondConnection(testDb);
  smtp = await startTestSmtpServer();
});
afterAll(async () => {
  await smtp.stop();
  await otherDb.destroy();
  await testDb.drop();
});
beforeEach(async () => {
  await testDb.db('outbox').delete();
  await testDb.db('leases').delete();
  smtp.received.length = 0;
  clock = new TestClock();
});

async function enqueueMany(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await enqueueEmail(testDb.db, email(), clock.now());
}

test('two workers running at once: one holds the lease and every message is delivered exactly once', async () => {
  await enqueueMany(25);
  const a = worker(testDb.db, clock, smtp.url, { workerId: 'process-a', batchSize: 10, leaseMs: LEASE_MS });
  const b = worker(otherDb, clock, smtp.url, { workerId: 'process-b', batchSize: 10, leaseMs: LEASE_MS });

  const [ra, rb] = await Promise.all([a.runOnce(), b.runOnce()]);

  expect([ra.leased, rb.leased].sort()).toEqual([false, true]);
  expect(ra.sent + rb.sent).toBe(25);
  expect(smtp.received).toHaveLength(25);
  const rows = await outbox(testDb.db);
  expect(new Set(smtp.received.map((m) => m.envelopeTo[0]))).toEqual(new Set(rows.map((r) => r.recipient)));
  expect(new Set(smtp.received.map((m) => m.headers['message-id'])).size).toBe(25);
  expect(rows.every((r) => r.sentAt !== null && r.attempts === 1)).toBe(true);

  // And again, a while later: the holder keeps sending, the other keeps out.
  await enqueueMany(3);
  clock.advance(60_000);
  const [again, out] = ra.leased ? [a, b] : [b, a];
  expect(await out.runOnce()).toMatchObject({ leased: false, sent: 0 });
  expect(await again.runOnce()).toMatchObject({ leased: true, sent: 3 });
  expect(smtp.received).toHaveLength(28);
  await Promise.all([a.stop(), b.stop()]);
});

test('another process cannot take the lease until it expires; a clean stop hands it over at once', async () => {
  const a = worker(testDb.db, clock, smtp.url, { workerId: 'process-a', leaseMs: LEASE_MS });
  const b = worker(otherDb, clock, smtp.url, { workerId: 'process-b', leaseMs: LEASE_MS });
  expect((await a.runOnce()).leased).toBe(true);

  // A stops running (a crash: no stop()). Its lease holds until it expires.
  clock.advance(LEASE_MS - 1000);
  expect((await b.runOnce()).leased).toBe(false);
  clock.advance(1000);
  await enqueueMany(2);
  expect(await b.runOnce()).toMatchObject({ leased: true, sent: 2 });
  // Now A cannot have it back while B renews it.
  expect((await a.runOnce()).leased).toBe(false);

  // A clean stop releases it: A takes it without waiting.
  await b.stop();
  expect((await a.runOnce()).leased).toBe(true);
  await a.stop();
});

test('of many processes taking the lease at the same moment, exactly one gets it', async () => {
  const now = clock.now();
  const attempts = Array.from({ length: 8 }, (_, i) => takeLease(i % 2 ? otherDb : testDb.db, { name: MAIL_LEASE, holder: `p${i}`, now, ttlMs: LEASE_MS }));
  const results = await Promise.all(attempts);
  expect(results.filter((r) => r !== null)).toHaveLength(1);
});

test('claims made at the same moment never overlap, and in the end every message is claimed once', async () => {
  await enqueueMany(40);
  const claimedBy = new Map<number, string>();
  for (let round = 0; round < 10 && claimedBy.size < 40; round++) {
    const now = clock.now();
    const claimUntil = new Date(now.getTime() + 60_000);
    const [x, y] = await Promise.all([
      claimDue(testDb.db, { workerId: 'x', now, claimUntil, limit: 15 }),
      claimDue(otherDb, { workerId: 'y', now, claimUntil, limit: 15 }),
    ]);
    for (const [who, batch] of [['x', x], ['y', y]] as const) {
      for (const m of batch) {
        expect(claimedBy.get(m.id)).toBeUndefined();
        claimedBy.set(m.id, who);
      }
    }
  }
  expect(claimedBy.size).toBe(40);
  const rows = await outbox(testDb.db);
  expect(rows.map((r) => r.claimedBy)).toEqual(rows.map((r) => claimedBy.get(r.id)));
});

test('a restarted worker sends nothing that was already sent', async () => {
  await enqueueMany(3);
  expect(await runWorkerOnce(testDb.db, clock, smtp.url)).toMatchObject({ sent: 3 });
  // A new process (a new worker, another connection), immediately and much later.
  expect(await runWorkerOnce(otherDb, clock, smtp.url)).toMatchObject({ leased: true, sent: 0 });
  clock.advance(7 * 24 * 60 * 60_000);
  expect(await runWorkerOnce(otherDb, clock, smtp.url)).toMatchObject({ leased: true, sent: 0 });
  expect(smtp.received).toHaveLength(3);
});

test('a message accepted by the server just before a crash goes out once more, with the same Message-ID', async () => {
  await enqueueMany(1);
  expect(await runWorkerOnce(testDb.db, clock, smtp.url)).toMatchObject({ sent: 1 });
  // The state a crash between the server's acceptance and marking the row sent leaves behind:
  // still unsent, claimed by the dead process, and its lease not released.
  const claimMs = 10 * 60_000;
  await testDb.db('outbox').update({ sent_at: null, claimed_by: 'dead-process', claimed_until: new Date(clock.now().getTime() + claimMs) });
  await testDb.db('leases').update({ holder: 'dead-process', expires_at: new Date(clock.now().getTime() + LEASE_MS) });

  const next = worker(otherDb, clock, smtp.url, { leaseMs: LEASE_MS, claimMs });
  expect(await next.runOnce()).toMatchObject({ leased: false });
  clock.advance(LEASE_MS);
  // The lease is free, but the dead process's claim is not yet.
  expect(await next.runOnce()).toMatchObject({ leased: true, sent: 0 });
  clock.advance(claimMs - LEASE_MS);
  expect(await next.runOnce()).toMatchObject({ leased: true, sent: 1 });
  await next.stop();

  expect(smtp.received).toHaveLength(2);
  expect(smtp.received[1].headers['message-id']).toBe(smtp.received[0].headers['message-id']);
});

test('a stopped worker hands back claims it had not tried', async () => {
  await enqueueMany(4);
  const now = clock.now();
  await claimDue(testDb.db, { workerId: 'w', now, claimUntil: new Date(now.getTime() + 60_000), limit: 10 });
  const { releaseClaims } = await import('../../src/mail/outbox-store');
  const rows = await outbox(testDb.db);
  expect(rows.every((r) => r.claimedBy === 'w' && r.attempts === 1)).toBe(true);
  await releaseClaims(testDb.db, 'w', rows.map((r) => r.id));
  expect((await outbox(testDb.db)).every((r) => r.claimedBy === null && r.attempts === 0)).toBe(true);
  expect(await runWorkerOnce(otherDb, clock, smtp.url)).toMatchObject({ sent: 4 });
});
