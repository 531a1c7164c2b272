// Forgotten passwords: single-use links valid for an hour. Sent by email when SMTP is configured;
// the request never tells whether the address has an account (the page and the work done before
// answering are the same either way: the lookup and mail are done after the answer is sent).
import crypto from 'node:crypto';
import type { Logger } from 'pino';
import type { Db } from '../db/knex';
import type { Clock } from '../clock';
import type { MailService } from '../mail/service';
import { toNumber } from '../db/values';
import { hashPassword, storedHashParameters, PRODUCTION_PASSWORD_COST, type PasswordCost } from './passwords';
import * as store from './store';
import { audit, type AuditActor, type AuditOrigin } from '../audit/record';
import { sha256Hex as sha256 } from '../hash';

/** A staff-issued link, or why none was made. */
export interface IssuedLink {
  displayName: string;
  email: string;
  link: string | null;
  refused: 'unclaimed' | 'staff' | null;
}

export const RESET_TOKEN_TTL_MS = 60 * 60 * 1000;


/** What a service that emails single-use links needs (this one, and registration.ts). */
export interface LinkMailDeps {
  db: Db;
  clock: Clock;
  mail: MailService;
  logger: Logger;
  baseUrl: string;
  passwordCost?: PasswordCost;
  /** Translates the email's subject and text (the app's default language: the visitor is not known). */
  t: (key: string, values: Record<string, string>) => string;
}

export function createPasswordResets({ db, clock, mail, logger, baseUrl, t, passwordCost = PRODUCTION_PASSWORD_COST }: LinkMailDeps) {
  // Requests still being worked on after their answer was sent: awaited by whenIdle().
  const pending = new Set<Promise<void>>();

  async function issue(trx: Db, userId: number): Promise<string> {
    const token = crypto.randomBytes(32).toString('base64url');
    await trx('password_reset_tokens').insert({ token_hash: sha256(token), user_id: userId, expires_at: clock.now().getTime() + RESET_TOKEN_TTL_MS });
    return `${baseUrl}/password/reset/${token}`;
  }

  async function sendLink(email: string): Promise<void> {
    const user = await store.findUserByEmail(db, email);
    // An unclaimed account (staff import) sets its first password through its invitation instead.
    if (!user || !storedHashParameters(user.passwordHash)) return;
    await db.transaction(async (trx) => {
      const link = await issue(trx, user.id);
      const values = { name: user.displayName, link };
      await mail.enqueue(trx, {
        kind: 'password_reset', to: user.email, dedupeKey: `password_reset:${sha256(link)}`,
        subject: t('passwordReset.email.subject', values), text: t('passwordReset.email.text', values),
      });
    });
  }

  return {
    /** Whether links can be sent by email (otherwise staff issue them). */
    get byEmail(): boolean {
      return mail.enabled;
    },

    /** Starts sending a link to the address if it has a claimed account, and returns at once. */
    requestByEmail(email: string): void {
      const job: Promise<void> = sendLink(email)
        .catch((err: unknown) => logger.error({ err }, 'password reset email not queued'))
        .finally(() => pending.delete(job));
      pending.add(job);
    },

    /** Resolves when every request started so far is done (tests, shutdown). */
    async whenIdle(): Promise<void> {
      while (pending.size) await Promise.all([...pending]);
    },

    /**
     * A link for staff to give the person themselves (no SMTP, or no email reaching them). With an
     * organization, only for a learner who is a member of it: a manager may not take over a
     * trainer's or administrator's account. null when there is no such person; no link for an
     * unclaimed account (it has a personal invitation for choosing its first password).
     */
    async issueLinkFor(userId: number, organizationId?: number, by: { actor: AuditActor | number | null; origin?: AuditOrigin | null } = { actor: null }): Promise<IssuedLink | null> {
      const user = await store.findUserById(db, userId);
      if (!user) return null;
      if (organizationId !== undefined && user.membership?.organizationId !== organizationId) return null;
      const person = { displayName: user.displayName, email: user.email };
      if (organizationId !== undefined && user.role !== 'learner') return { ...person, link: null, refused: 'staff' };
      if (!storedHashParameters(user.passwordHash)) return { ...person, link: null, refused: 'unclaimed' };
      const link = await db.transaction(async (trx) => {
        const made = await issue(trx, userId);
        await audit.record(trx, {
          ...by, action: 'password.link_issued', target: { type: 'user', id: userId }, at: clock.now(),
          details: organizationId === undefined ? {} : { organizationId },
        });
        return made;
      });
      return { ...person, link, refused: null };
    },

    async isUsable(token: string): Promise<boolean> {
      const row = await db('password_reset_tokens').where({ token_hash: sha256(token) }).whereNull('used_at')
        .where('expires_at', '>', clock.now().getTime()).first('user_id');
      return Boolean(row);
    },

    /**
     * Sets the new password and ends every session of the user; false when the link is unknown,
     * used or expired. Every other link of the user is spent with it.
     */
    async reset(token: string, password: string, origin: AuditOrigin | null = null): Promise<boolean> {
      const passwordHash = await hashPassword(password, passwordCost);
      const now = clock.now().getTime();
      return db.transaction(async (trx) => {
        const row = await trx('password_reset_tokens').where({ token_hash: sha256(token) }).whereNull('used_at')
          .where('expires_at', '>', now).first('user_id');
        if (!row) return false;
        const userId = toNumber(row.user_id);
        // The guarded update decides a race between two uses of one link: only one changes a row.
        const spent = await trx('password_reset_tokens').where({ token_hash: sha256(token) }).whereNull('used_at').update({ used_at: now });
        if (spent !== 1) return false;
        await trx('password_reset_tokens').where({ user_id: userId }).whereNull('used_at').update({ used_at: now });
        await store.updatePasswordHash(trx, userId, passwordHash);
        await trx('sessions').where({ user_id: userId }).delete();
        await audit.record(trx, { actor: userId, action: 'password.reset', target: { type: 'user', id: userId }, origin, at: new Date(now) });
        return true;
      });
    },
  };
}

export type PasswordResets = ReturnType<typeof createPasswordResets>;
