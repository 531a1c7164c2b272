// When PostgreSQL goes away, the compiled server says so (/healthz 503), answers pages with a clean
// error page (no stack), and recovers by itself when the database comes back: no restart. The test
// starts a throwaway PostgreSQL of its own (initdb + pg_ctl, a temporary folder, a free port),
// never the shared server on 5432.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { FIXTURE_CURRICULUM } from '../support/paths';
import { requireBuilt } from '../support/built';
import { SERVER, startServerProcess, type ServerProcess } from '../support/server-process';

const PG_BIN = '/usr/lib/postgresql/15/bin';
requireBuilt(SERVER);

const asRoot = process.getuid?.() === 0;

/** Runs a PostgreSQL program; as root, as the postgres user (initdb refuses to run as root). */
function pg(program: string, args: string[]): void {
  const command = asRoot ? ['runuser', ['-u', 'postgres', '--', path.join(PG_BIN, program), ...args]] as const : [path.join(PG_BIN, program), args] as const;
  const r = spawnSync(command[0], [...command[1]], { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`${program} ${args.join(' ')} failed (${r.status}):\n${r.stdout}${r.stderr}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function startServer(dataDir: string, databaseUrl: string): Promise<ServerProcess> {
  return startServerProcess({ DATA_DIR: dataDir, DATABASE_URL: databaseUrl, LOG_LEVEL: 'fatal', CURRICULUM_DIR: FIXTURE_CURRICULUM, SMTP_URL: '' });
}

async function eventually(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check().catch(() => false)) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

describe('PostgreSQL going away and coming back', () => {
  let pgDir: string;
  let port: number;
  let server: Awaited<ReturnType<typeof startServer>> | null = null;
  const startPg = () => pg('pg_ctl', ['-D', path.join(pgDir, 'data'), '-l', path.join(pgDir, 'log'), '-w', '-t', '20',
    '-o', `-p ${port} -k ${pgDir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']);
  const stopPg = () => pg('pg_ctl', ['-D', path.join(pgDir, 'data'), '-m', 'immediate', '-w', 'stop']);

  beforeAll(async () => {
    if (!fs.existsSync(path.join(PG_BIN, 'initdb'))) throw new Error(`PostgreSQL 15 programs are missing from ${PG_BIN}: install postgresql-15 to run this test.`);
    pgDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bw-pg-'));
    if (asRoot) spawnSync('chown', ['postgres', pgDir]);
    port = await freePort();
    pg('initdb', ['-D', path.join(pgDir, 'data'), '-A', 'trust', '-U', 'postgres', '--no-sync']);
    startPg();
  }, 30_000);

  afterAll(async () => {
    if (server) {
      const exited = new Promise((r) => server!.child.once('exit', r));
      server.child.kill('SIGKILL');
      await exited;
    }
    try { stopPg(); } catch { /* already stopped */ }
    fs.rmSync(pgDir, { recursive: true, force: true });
  });

  test('/healthz answers 503 and pages fail cleanly while it is down; both recover when it is back', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bw-pg-app-'));
    server = await startServer(dataDir, `postgres://postgres@127.0.0.1:${port}/postgres`);
    const { base } = server;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/courses`)).status).toBe(200);

    stopPg();
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(503);
    const page = await fetch(`${base}/courses`);
    expect([500, 503]).toContain(page.status);
    const body = await page.text();
    expect(body).not.toMatch(/\n\s+at |ECONNREFUSED|node_modules/);
    expect(server.child.exitCode).toBeNull();

    startPg();
    expect(await eventually(async () => (await fetch(`${base}/healthz`)).status === 200, 10_000)).toBe(true);
    expect((await fetch(`${base}/courses`)).status).toBe(200);
    expect(server.child.exitCode).toBeNull();
  }, 30_000);
});
