// The real server process with SMTP_URL set: it says where email goes (never the password),
// sends what is waiting in the outbox, and on SIGTERM stops the worker, hands back the sending
// lease and exits 0. Runs against the compiled server (`npm run build`), like test/server.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDb } from '../../src/db/knex';
import { migrateLatest } from '../../src/db/migrate';
import { toDate } from '../../src/db/values';
import { enqueueEmail } from '../../src/mail/outbox';
import { startTestSmtpServer } from './smtp-test-server';
import { requireBuilt } from '../support/built';

const SERVER = path.join(__dirname, '..', '..', 'dist', 'src', 'server.js');
requireBuilt(SERVER);

async function until(check: () => boolean, what: string, output: () => string): Promise<void> {
  for (let waited = 0; !check(); waited += 50) {
    if (waited > 15_000) throw new Error(`timed out waiting for ${what}:\n${output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('with SMTP_URL the server sends the outbox and, on SIGTERM, releases the lease and exits 0', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bw-mail-server-'));
  const sqliteFile = path.join(dataDir, 'bridgework.sqlite');
  const smtp = await startTestSmtpServer({ auth: { user: 'bridgework', pass: 'not-for-logs-9' } });
  // A message queued before the server starts, as by an earlier run of it.
  const db = createDb({ databaseUrl: null, sqliteFile });
  await migrateLatest(db);
  await enqueueEmail(db, { kind: 'test_message', to: 'officer@example.org', subject: 'Waiting for you', text: 'Queued before the start.', dedupeKey: 'process-test' }, new Date());

  const child = spawn(process.execPath, [SERVER], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: '0', DATABASE_URL: '', LOG_LEVEL: 'warn', SMTP_URL: smtp.url, MAIL_FROM: 'Training <training@bridgework.test>' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { out += d; });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  try {
    await until(() => /listening on port \d+/.test(out), 'the server to start', () => out);
    expect(out).toContain(`Email: sent through smtp://127.0.0.1:${smtp.port} from Training <training@bridgework.test>`);
    expect(out).not.toContain('not-for-logs-9');

    await until(() => smtp.received.length === 1, 'the queued message', () => out);
    expect(smtp.received[0].headers.subject).toBe('Waiting for you');

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const [row] = await db('outbox');
    expect(row.sent_at).not.toBeNull();
    const [lease] = await db('leases');
    expect(toDate(lease.expires_at).getTime()).toBeLessThanOrEqual(Date.now());
    expect(smtp.received).toHaveLength(1);
  } finally {
    child.kill('SIGKILL');
    await db.destroy();
    await smtp.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
