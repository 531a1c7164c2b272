// Self-registration with a proven address (when SMTP is configured): the form never tells whether
// an address has an account. Every request is answered the same, after the same work (the
// password is hashed before the address is even looked up), and what differs is only the email
// the address's owner receives:
// - an address with no account gets a single-use link, valid for 24 hours, that makes the account;
// - an account made for its owner by a staff import (no password yet) gets a link that makes it
//   theirs, with the password chosen at registration;
// - an account with a password gets "someone tried to register with your address: sign in, or
//   choose a new password".
// Nothing exists as an account until the link is followed: the registration waits in
// `pending_registrations` (why a table and not an unverified user: see its migration).
//
// Following the link asks for the password chosen at registration before anything is made. Without
// that, a stranger could register someone else's address with a password of the stranger's
// choosing, and the owner, following the link, would make an account the stranger can sign in to.
//
// Without SMTP there is no way to prove an address: registration stays immediate (service.ts) and
// says when an address is taken, held back by the rate limits (README, "Registration").
import crypto from 'node:crypto';
import { hashPassword, verifyPassword, UNCLAIMED_PASSWORD_HASH, PRODUCTION_PASSWORD_COST } from './passwords';
import type { LinkMailDeps } from './password-reset';
import * as store from './store';
import * as pending from './registration-store';
import type { SessionUser } from './types';
import { sha256Hex as sha256 } from '../hash';

export const REGISTRATION_TTL_MS = 24 * 60 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;
/** Links one address may be sent in an hour: enough for a typo in a name, too few to flood an inbox. */
const LINKS_PER_ADDRESS_PER_HOUR = 3;


export interface RegistrationRequest {
  email: string;
  displayName: string;
  password: string;
  /** A local path to go to once the account exists (already checked by the route), or null. */
  next: string | null;
}

/** What following a link did. */
export type Completion =
  | { kind: 'created'; user: SessionUser; next: string | null }
  /** The address has an account with a password (made after the link was sent): sign in instead. */
  | { kind: 'taken' }
  | { kind: 'wrongPassword' }
  /** Unknown, used or expired. */
  | { kind: 'unusable' };

function publicUser(u: store.UserRow): SessionUser {
  return { id: u.id, email: u.email, displayName: u.displayName, role: u.role, locale: u.locale, membership: u.membership };
}

export function createRegistrations({ db, clock, mail, logger, baseUrl, t, passwordCost = PRODUCTION_PASSWORD_COST }: LinkMailDeps) {
  // Requests still being worked on after their answer was sent: awaited by whenIdle().
  const inFlight = new Set<Promise<void>>();
  const site = new URL(baseUrl).host;

  async function sendLink(input: Omit<RegistrationRequest, 'password'> & { passwordHash: string }, owner: store.UserRow | null, now: number): Promise<void> {
    if ((await pending.countPendingSince(db, input.email, now - HOUR_MS)) >= LINKS_PER_ADDRESS_PER_HOUR) return;
    const token = crypto.randomBytes(32).toString('base64url');
    const link = `${baseUrl}/register/verify/${token}`;
    await db.transaction(async (trx) => {
      await pending.insertPending(trx, {
        tokenHash: sha256(token), email: input.email, displayName: input.displayName, passwordHash: input.passwordHash,
        nextPath: input.next, createdAt: now, expiresAt: now + REGISTRATION_TTL_MS,
      });
      // The name typed in the form is never put in an email: it is whatever a stranger typed. An
      // account made by an import is greeted by the name its organization gave it.
      const values = { name: owner?.displayName ?? '', link, site };
      await mail.enqueue(trx, {
        kind: owner ? 'registration_claim' : 'registration_link', to: input.email, dedupeKey: `registration:${sha256(token)}`,
        subject: t(owner ? 'register.mail.claimSubject' : 'register.mail.subject', values),
        text: t(owner ? 'register.mail.claimText' : 'register.mail.text', values),
      });
    });
  }

  async function tellOwner(owner: store.UserRow, now: number): Promise<void> {
    const values = { name: owner.displayName, site, login: `${baseUrl}/login`, reset: `${baseUrl}/password/forgot` };
    // One such email an hour at most, however many attempts: the dedupe key names the hour.
    await mail.enqueue(db, {
      kind: 'registration_taken', to: owner.email, dedupeKey: `registration-taken:${sha256(owner.email)}:${Math.floor(now / HOUR_MS)}`,
      subject: t('register.mail.takenSubject', values), text: t('register.mail.takenText', values),
    });
  }

  async function deliver(input: Omit<RegistrationRequest, 'password'> & { passwordHash: string }): Promise<void> {
    const now = clock.now().getTime();
    await pending.deleteExpired(db, now);
    const user = await store.findUserByEmail(db, input.email);
    // An administrator closed this account: no email invites its owner to sign in or register.
    if (user?.deactivated) return;
    if (!user) return sendLink(input, null, now);
    if (user.passwordHash === UNCLAIMED_PASSWORD_HASH) return sendLink(input, user, now);
    return tellOwner(user, now);
  }

  return {
    /** Whether addresses are proven by email (SMTP is configured). */
    get byEmail(): boolean {
      return mail.enabled;
    },

    /**
     * Hashes the password (the same work for every address), then starts looking the address up
     * and queuing its email, and returns without waiting for that.
     */
    async request(input: RegistrationRequest): Promise<void> {
      const passwordHash = await hashPassword(input.password, passwordCost);
      const job: Promise<void> = deliver({ email: input.email, displayName: input.displayName, next: input.next, passwordHash })
        .catch((err: unknown) => logger.error({ err }, 'registration email not queued'))
        .finally(() => inFlight.delete(job));
      inFlight.add(job);
    },

    /** Resolves when every request started so far is done (tests, shutdown). */
    async whenIdle(): Promise<void> {
      while (inFlight.size) await Promise.all([...inFlight]);
    },

    /** The address a link would register, while the link is usable; null otherwise. */
    async usableFor(token: string): Promise<string | null> {
      const row = await pending.findUsablePending(db, sha256(token), clock.now().getTime());
      return row?.email ?? null;
    },

    /**
     * Makes the account (or makes an imported one its owner's) when the password is the one chosen
     * at registration, and spends the link and every other pending registration of the address.
     */
    async complete(token: string, password: string): Promise<Completion> {
      const tokenHash = sha256(token);
      const row = await pending.findUsablePending(db, tokenHash, clock.now().getTime());
      if (!row) return { kind: 'unusable' };
      if (!(await verifyPassword(password, row.passwordHash))) return { kind: 'wrongPassword' };
      try {
        return await db.transaction(async (trx): Promise<Completion> => {
          if (!(await pending.spendPending(trx, tokenHash, row.email))) return { kind: 'unusable' };
          const existing = await store.findUserByEmail(trx, row.email);
          if (!existing) {
            const createdAt = clock.now();
            const id = await store.insertUser(trx, { email: row.email, displayName: row.displayName, passwordHash: row.passwordHash, role: 'learner', createdAt });
            return { kind: 'created', user: { id, email: row.email, displayName: row.displayName, role: 'learner', locale: 'en', membership: null }, next: row.nextPath };
          }
          if (existing.deactivated || !(await store.claimUser(trx, existing.id, row.passwordHash))) return { kind: 'taken' };
          // As through a personal invitation, the owner may correct the name their organization typed.
          if (row.displayName !== existing.displayName) await store.updateDisplayName(trx, existing.id, row.displayName);
          const claimed = await store.findUserById(trx, existing.id);
          return claimed ? { kind: 'created', user: publicUser(claimed), next: row.nextPath } : { kind: 'unusable' };
        });
      } catch (err) {
        // The address was registered by someone else between the look-up and the insert.
        if ((err as { id?: string }).id === 'email_taken') return { kind: 'taken' };
        throw err;
      }
    },
  };
}

export type Registrations = ReturnType<typeof createRegistrations>;
