// One server under test, in its own process so the load generator never shares its event loop.
// BENCH_SETUP (JSON, see common.ts) says which: bare node:http, the Express floor, or the real app.
import fs from 'node:fs';
import http from 'node:http';
import pino from 'pino';
import { createDb, type Db } from '../../src/db/knex';
import { createServices } from '../../src/services';
import { createApp } from '../../src/app';
import { createHttpServer } from '../../src/http/server';
import { systemClock } from '../../src/clock';
import { benchConfig, type AppStats, type ChildMessage, type ParentMessage, type ServerSetup } from './common';
import { createFloorApp } from './floor-app';

const emptyAppStats = (): AppStats => ({ statements: 0, reads: 0, writes: 0, byVerb: {}, storeGet: 0, storeSet: 0, storeTouch: 0 });

const setup = JSON.parse(process.env.BENCH_SETUP ?? '{}') as ServerSetup;
const send = (m: ChildMessage) => process.send?.(m);

async function main(): Promise<void> {
  const config = benchConfig(setup);
  // Silent unless BENCH_LOG_LEVEL is set; then each line is written, to /dev/null, as production writes to stdout.
  const logger = pino({ level: process.env.BENCH_LOG_LEVEL ?? 'silent' }, pino.destination('/dev/null'));
  let db: Db | null = null;
  let stats: AppStats | null = null;
  let counting: (on: boolean) => void = () => {};
  let handler: http.RequestListener;

  if (setup.mode === 'bare') {
    const page = fs.readFileSync(setup.pageFile!);
    const headers = { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': String(page.length) };
    handler = (_req, res) => {
      res.writeHead(200, headers);
      res.end(page);
    };
  } else if (setup.mode === 'floor') {
    // The database is opened once, for the real LearningService to build the page's view (and
    // load the compiled course into the curriculum cache), and closed before the server listens:
    // no request of this server touches it.
    const f = setup.floor!;
    const loadDb = createDb({ databaseUrl: null, sqliteFile: setup.dbFile });
    const services = createServices({ config, db: loadDb, clock: systemClock, logger });
    const view = await services.learning.modulePage(f.slug, f.moduleKey, f.user);
    await loadDb.destroy();
    handler = createFloorApp({
      config, logger, curriculum: services.curriculum, page: { slug: f.slug, key: f.moduleKey, view }, user: f.user, csrfToken: f.csrfToken,
      sessionTimeLeft: f.sessionTimeLeft,
    });
  } else {
    db = createDb({ databaseUrl: null, sqliteFile: setup.dbFile });
    const services = createServices({ config, db, clock: systemClock, logger });
    await services.curriculum.syncFromDisk(config.curriculumDir); // as the server does at start: publishes nothing new
    const { app, sessionStore } = createApp({ config, db, clock: systemClock, logger, services });
    handler = app;

    // Instrumentation only: count statements, and the session store's calls, while the parent
    // asks (a window of its own, not a measured one: the counting has a cost of its own).
    const s = emptyAppStats();
    stats = s;
    const onQuery = (q: { sql: string }) => {
      const sql = q.sql.trimStart();
      const space = sql.search(/\s/);
      const verb = (space < 0 ? sql : sql.slice(0, space)).toLowerCase();
      s.statements++;
      s.byVerb[verb] = (s.byVerb[verb] ?? 0) + 1;
      if (verb === 'select' || verb === 'with') s.reads++;
      else s.writes++;
    };
    const originals = { load: sessionStore.load, save: sessionStore.save, touch: sessionStore.touch };
    const keys = { load: 'storeGet', save: 'storeSet', touch: 'storeTouch' } as const;
    counting = (on) => {
      const store = sessionStore as unknown as Record<string, unknown>;
      for (const name of ['load', 'save', 'touch'] as const) {
        const original = originals[name] as (...args: unknown[]) => unknown;
        store[name] = on ? (...args: unknown[]) => { s[keys[name]]++; return original.apply(sessionStore, args); } : original;
      }
      if (on) db!.on('query', onQuery);
      else db!.off('query', onQuery);
    };
  }

  // (a) is node:http as it comes; (b) and (c) run on the app's own server, as production does.
  const server = setup.mode === 'bare' ? http.createServer(handler) : createHttpServer(handler);
  server.keepAliveTimeout = 5000;
  let requests = 0;
  let cpuBase = process.cpuUsage();
  server.on('request', () => { requests++; });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  send({ type: 'ready', port: typeof address === 'object' && address ? address.port : 0 });

  const stop = async () => {
    server.closeAllConnections();
    server.close();
    if (db) await db.destroy();
    process.exit(0);
  };
  process.on('message', (m: ParentMessage) => {
    if (m.type === 'stop') void stop();
    if (m.type === 'count') counting(m.on);
    if (m.type === 'stats') {
      const cpu = process.cpuUsage(cpuBase);
      send({ type: 'stats', stats: { requests, cpuMicros: cpu.user + cpu.system, app: stats ? { ...stats, byVerb: { ...stats.byVerb } } : null } });
      if (m.reset) {
        requests = 0;
        cpuBase = process.cpuUsage();
        if (stats) Object.assign(stats, emptyAppStats());
      }
    }
  });
  process.on('disconnect', () => void stop());
}

main().catch((err) => {
  process.stderr.write(`bench server (${setup.mode}) failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
