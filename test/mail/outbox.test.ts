// Queuing and delivering email through a real SMTP server: the message as received, dedupe
// keys, transactions that roll back, email switched off, sent email pruned after 90 days, and a
// server that requires a login.
import { createTestDb, type TestDb } from '../support/db';
import { TestClock } from '../support/clock';
import { enqueueEmail, pruneSentEmail, SENT_EMAIL_KEPT_DAYS } from '../../src/mail/outbox';
import { createMailService } from '../../src/mail/service';
import { startTestSmtpServer, type TestSmtpServer } from './smtp-test-server';
import { FROM, email, outbox, runWorkerOnce } from './support';

let testDb: TestDb;
let smtp: TestSmtpServer;
const clock = new TestClock();

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
});

test('a queued message is delivered with its recipient, subject, body and a Message-ID from its outbox row', async () => {
  const { db } = testDb;
  const message = email({ to: 'nurse@example.org', subject: 'Reminder: Harm reduction basics is due', text: 'Your course is due on 1 April.\nOpen it at https://bridgework.test/courses/basics' });
  expect(await db.transaction((trx) => enqueueEmail(trx, message, clock.now()))).toBe(true);

  const summary = await runWorkerOnce(db, clock, smtp.url);

  expect(summary).toEqual({ leased: true, sent: 1, retried: 0, failed: 0 });
  expect(smtp.received).toHaveLength(1);
  const [got] = smtp.received;
  expect(got.envelopeTo).toEqual(['nurse@example.org']);
  expect(got.envelopeFrom).toBe('training@bridgework.test');
  expect(got.headers.to).toBe('nurse@example.org');
  expect(got.headers.from).toBe(FROM);
  expect(got.headers.subject).toBe('Reminder: Harm reduction basics is due');
  expect(got.headers['auto-submitted']).toBe('auto-generated');
  expect(got.body.replace(/\r\n/g, '\n')).toContain('Your course is due on 1 April.\nOpen it at https://bridgework.test/courses/basics');
  const [row] = await outbox(db);
  expect(got.headers['message-id']).toMatch(new RegExp(`^<bridgework\\.${row.id}\\.${clock.now().getTime()}\\.[0-9a-f]{16}@bridgework\\.test>$`));
  expect(row.sentAt).toEqual(clock.now());
  expect(row.attempts).toBe(1);
  expect(row.claimedBy).toBeNull();

  // Sent is sent: another run finds nothing to do.
  expect(await runWorkerOnce(db, clock, smtp.url)).toEqual({ leased: true, sent: 0, retried: 0, failed: 0 });
  expect(smtp.received).toHaveLength(1);
});

test('sent email is kept 90 days, then deleted; unsent email is never pruned', async () => {
  const { db } = testDb;
  const DAY = 24 * 60 * 60 * 1000;
  const start = clock.now();
  await enqueueEmail(db, email({ to: 'sent-early@example.org', dedupeKey: 'prune-a' }), start);
  await runWorkerOnce(db, clock, smtp.url);
  // Queued later and never sent (the SMTP server is not asked again): it must survive any prune.
  await enqueueEmail(db, email({ to: 'waiting@example.org', dedupeKey: 'prune-b' }), start);

  const justBefore = new Date(start.getTime() + SENT_EMAIL_KEPT_DAYS * DAY - 1000);
  expect(await pruneSentEmail(db, justBefore)).toBe(0);
  expect((await outbox(db)).map((m) => m.recipient).sort()).toEqual(['sent-early@example.org', 'waiting@example.org']);

  const after = new Date(start.getTime() + SENT_EMAIL_KEPT_DAYS * DAY + 1000);
  expect(await pruneSentEmail(db, after)).toBe(1);
  expect((await outbox(db)).map((m) => m.recipient)).toEqual(['waiting@example.org']);
});

test('an HTML alternative goes with the text', async () => {
  await enqueueEmail(testDb.db, email({ text: 'Plain words', html: '<p>Rich <strong>words</strong></p>' }), clock.now());
  await runWorkerOnce(testDb.db, clock, smtp.url);
  const [got] = smtp.received;
  expect(got.headers['content-type']).toMatch(/^multipart\/alternative/);
  expect(got.body).toContain('Plain words');
  expect(got.body).toContain('<p>Rich <strong>words</strong></p>');
});

test('the same dedupe key queued twice is delivered once', async () => {
  const { db } = testDb;
  const first = email({ dedupeKey: 'assignment:7:user:3:due-in-7-days' });
  expect(await enqueueEmail(db, first, clock.now())).toBe(true);
  // Again, in a transaction that goes on to commit other work: the duplicate must not abort it.
  const again = await db.transaction(async (trx) => {
    const queued = await enqueueEmail(trx, { ...first, subject: 'A second wording' }, clock.now());
    await trx('outbox').count({ n: '*' });
    return queued;
  });
  expect(again).toBe(false);

  await runWorkerOnce(db, clock, smtp.url);
  expect(smtp.received.map((m) => m.headers.subject)).toEqual([first.subject]);

  // Even after it was sent, the key stays spent.
  expect(await enqueueEmail(db, first, clock.now())).toBe(false);
  await runWorkerOnce(db, clock, smtp.url);
  expect(smtp.received).toHaveLength(1);
});

test('a rolled-back transaction queues nothing', async () => {
  const { db } = testDb;
  await expect(db.transaction(async (trx) => {
    await enqueueEmail(trx, email(), clock.now());
    throw new Error('the assignment failed');
  })).rejects.toThrow('the assignment failed');

  expect(await outbox(db)).toEqual([]);
  await runWorkerOnce(db, clock, smtp.url);
  expect(smtp.received).toHaveLength(0);
});

test('without SMTP_URL email is off: nothing is queued', async () => {
  const off = createMailService({ config: { smtpUrl: null }, clock });
  expect(off.enabled).toBe(false);
  expect(await off.enqueue(testDb.db, email())).toBe(false);
  expect(await outbox(testDb.db)).toEqual([]);

  const on = createMailService({ config: { smtpUrl: smtp.url }, clock });
  expect(on.enabled).toBe(true);
  expect(await on.enqueue(testDb.db, email())).toBe(true);
  expect(await outbox(testDb.db)).toHaveLength(1);
});

test('a message a caller got wrong is refused before it is stored', async () => {
  const { db } = testDb;
  await expect(enqueueEmail(db, email({ to: 'a@example.org, b@example.org' }), clock.now())).rejects.toThrow('one plain email address');
  await expect(enqueueEmail(db, email({ subject: 'Hello\r\nBcc: x@example.org' }), clock.now())).rejects.toThrow('line break');
  await expect(enqueueEmail(db, email({ dedupeKey: '' }), clock.now())).rejects.toThrow('dedupeKey is required');
  await expect(enqueueEmail(db, email({ text: '' }), clock.now())).rejects.toThrow('text is required');
  expect(await outbox(db)).toEqual([]);
});

describe('a server that requires a login', () => {
  let secured: TestSmtpServer;
  beforeAll(async () => {
    secured = await startTestSmtpServer({ auth: { user: 'bridgework', pass: 's3cret-pass' } });
  });
  afterAll(() => secured.stop());

  test('delivers with the credentials in SMTP_URL', async () => {
    await enqueueEmail(testDb.db, email({ to: 'officer@example.org' }), clock.now());
    expect((await runWorkerOnce(testDb.db, clock, secured.url)).sent).toBe(1);
    expect(secured.received.map((m) => m.envelopeTo)).toEqual([['officer@example.org']]);
  });

  test('with wrong credentials, keeps the message for later and records no password', async () => {
    await enqueueEmail(testDb.db, email(), clock.now());
    const wrongUrl = `smtp://bridgework:wrong-pass@127.0.0.1:${secured.port}`;
    expect(await runWorkerOnce(testDb.db, clock, wrongUrl)).toMatchObject({ sent: 0, retried: 1, failed: 0 });
    const [row] = await outbox(testDb.db);
    expect(row.sentAt).toBeNull();
    expect(row.failedAt).toBeNull();
    expect(row.lastError).toMatch(/EAUTH/);
    expect(row.lastError).not.toContain('wrong-pass');
  });
});
