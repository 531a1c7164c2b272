// What the rest of the app knows about email: whether it is on, and how to queue a message.
// Without SMTP_URL email is off: callers show people a link instead, and nothing is queued.
import type { Clock } from '../clock';
import type { Config } from '../config';
import type { Db } from '../db/knex';
import { enqueueEmail } from './outbox';
import type { OutgoingEmail } from './types';

export interface MailService {
  readonly enabled: boolean;
  /**
   * Queues `message` inside `trx` (the transaction of the event that causes it). True when newly
   * queued; false for a duplicate dedupe key, and always false (queuing nothing) when email is off.
   */
  enqueue(trx: Db, message: OutgoingEmail): Promise<boolean>;
}

export function createMailService({ config, clock }: { config: Pick<Config, 'smtpUrl'>; clock: Clock }): MailService {
  const enabled = Boolean(config.smtpUrl);
  return {
    enabled,
    async enqueue(trx, message) {
      if (!enabled) return false;
      return enqueueEmail(trx, message, clock.now());
    },
  };
}
