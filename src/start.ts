// Starting the server process: config → database → migrate → curriculum sync → listen → clean
// shutdown. `npm start` (server.ts) and `npm run dev` (dev.ts) both start through startServer.
import http from 'node:http';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from './config';
import { createDb, type Db } from './db/knex';
import { migrateLatest } from './db/migrate';
import { createLogger } from './logger';
import { systemClock } from './clock';
import { createServices, type Services } from './services';
import { createApp } from './app';
import { createHttpServer } from './http/server';
import { formatProblem } from './curriculum/parse';
import { describeMail, startMailWorker } from './mail/from-config';
import { scheduleReminders } from './reminders/schedule';
import { scheduleRetention } from './privacy/retention';
import { pruneKept } from './sessions/store';
import { pruneSentEmail } from './mail/outbox';
import { pruneUnusedFiles, pruneUploadHolds } from './authoring/zip-transfer';

export interface StartOptions {
  /** Development mode: signed-in administrators and trainers see curriculum problems on every page. */
  dev?: boolean;
}

export interface RunningServer {
  config: Config;
  logger: Logger;
  db: Db;
  services: Services;
  server: http.Server;
  port: number;
  /** Adds work to do first when the process is asked to stop (SIGTERM, SIGINT), e.g. closing a watcher. */
  onStop(fn: () => void): void;
}

export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const logger = createLogger(config.logLevel);
  const db = createDb({ databaseUrl: config.databaseUrl, sqliteFile: path.join(config.dataDir, 'bridgework.sqlite'), logger });
  await migrateLatest(db);
  const services = createServices({ config, db, clock: systemClock, logger });
  const { published, problems } = await services.curriculum.syncFromDisk(config.curriculumDir);
  const { app, sessionStore } = createApp({ config, db, clock: systemClock, logger, services, dev: options.dev });

  const server = createHttpServer(app);
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve) => server.listen(config.port, resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;

  const lines = [`Bridgework is running: open ${config.baseUrl}/ (listening on port ${port})`,
    `Database: ${config.databaseUrl ? 'PostgreSQL' : path.join(config.dataDir, 'bridgework.sqlite')}`,
    describeMail(config),
    `Curriculum: ${config.curriculumDir} (${published.length} course(s) newly published, ${problems.filter((p) => p.severity === 'error').length} error(s))`];
  for (const p of problems) lines.push(`  ${formatProblem(p)}`);
  const token = await services.accounts.issueSetupTokenIfNoAdmin();
  if (token) {
    lines.push('', 'No administrator exists yet. Create the first one with this one-time link (valid 24 hours):',
      `  ${config.baseUrl}/setup/${token}`,
      'or from the command line:  npx bridgework users add --email you@example.org --name "Your Name" --role admin');
  }
  process.stdout.write(lines.join('\n') + '\n');

  const pruneTimer = setInterval(() => {
    sessionStore.prune().catch((err) => logger.warn({ err }, 'session prune failed'));
    // Forms kept after a session timed out live an hour (src/sessions/kept.ts).
    pruneKept(db, systemClock.now().getTime()).catch((err) => logger.warn({ err }, 'kept submissions prune failed'));
    // Sent email holds addresses and names: kept for a quarter (src/mail/outbox.ts).
    pruneSentEmail(db, systemClock.now()).catch((err) => logger.warn({ err }, 'sent email prune failed'));
    // A course zip waiting for its trainer's answer waits a day (src/authoring/zip-transfer.ts).
    // Then the file bytes nothing refers to any more (src/authoring/zip-transfer.ts).
    pruneUploadHolds(db, systemClock.now())
      .then(() => pruneUnusedFiles(db))
      .then((gone) => { if (gone.count) logger.info(gone, 'unused course files deleted'); })
      .catch((err) => logger.warn({ err }, 'upload holds or unused files prune failed'));
  }, 60 * 60 * 1000);
  pruneTimer.unref();
  const mail = startMailWorker({ config, db, clock: systemClock, logger });
  // Reminders are queued only while email is on; the worker above sends them.
  const reminders = services.mail.enabled ? scheduleReminders({ db, clock: systemClock, job: services.reminders, logger }) : null;
  // Accounts inactive past RETENTION_INACTIVE_DAYS are erased daily (nothing when it is unset).
  const retention = config.retentionInactiveDays ? scheduleRetention({ db, clock: systemClock, job: services.privacy.retention, logger }) : null;

  const beforeStop: (() => void)[] = [];
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: finishing requests in flight');
    clearInterval(pruneTimer);
    reminders?.stop();
    retention?.stop();
    for (const fn of beforeStop) {
      try {
        fn();
      } catch (err) {
        logger.error({ err }, 'stop hook failed');
      }
    }
    // Stop accepting; idle keep-alive sockets are closed so close() can finish.
    server.close(async (err) => {
      if (err) logger.error({ err }, 'server close failed');
      await mail?.stop();
      await db.destroy();
      logger.info('stopped');
      process.exit(err ? 1 : 0);
    });
    // Keep-alive connections become idle as their last response ends: close them as they do,
    // rather than waiting out the keep-alive timeout.
    server.closeIdleConnections();
    setInterval(() => server.closeIdleConnections(), 100).unref();
    // A request that never finishes must not keep the process alive forever.
    setTimeout(() => { logger.error('shutdown timed out'); process.exit(1); }, 10_000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  return { config, logger, db, services, server, port, onStop: (fn) => { beforeStop.push(fn); } };
}

/** What a process entry does when it cannot start: one line, no stack trace, exit 1. */
export function startFailed(err: unknown): never {
  process.stderr.write(`Bridgework could not start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
