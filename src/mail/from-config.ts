// The mail worker as the server process runs it: only when SMTP_URL is set, stopped on shutdown
// before the database is closed.
import type { Logger } from 'pino';
import type { Clock } from '../clock';
import type { Config } from '../config';
import type { Db } from '../db/knex';
import { createSmtpTransport, describeSmtpUrl } from './transport';
import { createMailWorker } from './worker';

/** One line for the start banner: where email goes, never the credentials. */
export function describeMail(config: Pick<Config, 'smtpUrl' | 'mailFrom'>): string {
  return config.smtpUrl
    ? `Email: sent through ${describeSmtpUrl(config.smtpUrl)} from ${config.mailFrom}`
    : 'Email: off (set SMTP_URL to send reminders and invitations)';
}

/** Starts sending the outbox when SMTP is configured; null when email is off. */
export function startMailWorker({ config, db, clock, logger }: { config: Config; db: Db; clock: Clock; logger: Logger }): { stop(): Promise<void> } | null {
  if (!config.smtpUrl) return null;
  const transport = createSmtpTransport(config.smtpUrl);
  const worker = createMailWorker({ db, clock, transport, logger: logger.child({ component: 'mail' }), from: config.mailFrom ?? 'no-reply@localhost' });
  worker.start();
  return {
    async stop() {
      await worker.stop();
      transport.close();
    },
  };
}
