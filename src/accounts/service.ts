// Account rules: registration, credential checks, the first administrator's one-time setup link.
import crypto from 'node:crypto';
import type { Db } from '../db/knex';
import type { Clock } from '../clock';
import { dummyPasswordHash, hashPassword, storedHashParameters, verifyPassword, PRODUCTION_PASSWORD_COST, type PasswordCost } from './passwords';
import * as store from './store';
import { audit, type AuditOrigin } from '../audit/record';
import type { Role, SessionUser } from './types';
import { sha256Hex as sha256 } from '../hash';

const SETUP_TOKEN_TTL_MS = 24 * 60 * 60 * 1000;

function publicUser(u: store.UserRow): SessionUser {
  return { id: u.id, email: u.email, displayName: u.displayName, role: u.role, locale: u.locale, membership: u.membership };
}

/**
 * `passwordCost` is the scrypt cost of new hashes: production's unless given, and given only by the
 * tests (test/support/app.ts), never from configuration. Verification always uses the cost stored
 * with each hash.
 */
export function createAccountService({ db, clock, passwordCost = PRODUCTION_PASSWORD_COST }: { db: Db; clock: Clock; passwordCost?: PasswordCost }) {
  return {
    /** Creates an account; a taken email is a Conflict (the form says so beside the field). */
    async createUser(input: { email: string; displayName: string; password: string; role: Role }): Promise<SessionUser> {
      const passwordHash = await hashPassword(input.password, passwordCost);
      const id = await store.insertUser(db, { ...input, passwordHash, createdAt: clock.now() });
      return { id, email: input.email, displayName: input.displayName, role: input.role, locale: 'en', membership: null };
    },

    /** Returns the user for a correct email and password, else null, in the same time either way. */
    async checkCredentials(email: string, password: string): Promise<SessionUser | null> {
      const user = await store.findUserByEmail(db, email);
      // An unclaimed account (made by a staff import) has no password: it is checked against the
      // dummy hash like an unknown email, so the time taken tells nothing about which it is.
      // A deactivated account is refused the same way, after the same work.
      const usable = user && !user.deactivated && storedHashParameters(user.passwordHash) ? user.passwordHash : null;
      const ok = await verifyPassword(password, usable ?? (await dummyPasswordHash(passwordCost)));
      return user && usable && ok ? publicUser(user) : null;
    },

    /** Corrects the name printed on certificates, inside the caller's transaction (see commands/rename-user.ts). */
    async setDisplayName(trx: Db, userId: number, displayName: string): Promise<void> {
      await store.updateDisplayName(trx, userId, displayName);
    },

    /** People by id or email, for features that list them (organizations): no password hashes. */
    findPeople(by: { ids: number[] } | { emails: string[] }, trx: Db = db): Promise<store.PersonRow[]> {
      return store.findPeople(trx, by);
    },

    /**
     * Makes accounts for people who have not signed up (a manager imports their staff), inside the
     * caller's transaction: they cannot sign in until they choose a password through a personal
     * link (claimAccount). Returns their ids by email; a taken email is a Conflict.
     */
    async createUnclaimedUsers(trx: Db, people: { email: string; displayName: string }[]): Promise<Map<string, number>> {
      if (!people.length) return new Map();
      await store.insertUnclaimedUsers(trx, people, clock.now());
      const made = await store.findPeople(trx, { emails: people.map((p) => p.email) });
      return new Map(made.map((p) => [p.email, p.id]));
    },

    /** A new password's hash, made before a transaction opens (hashing takes tens of milliseconds). */
    hashNewPassword(password: string): Promise<string> {
      return hashPassword(password, passwordCost);
    },

    /**
     * Sets the first password (its hash, from hashNewPassword) of an account made for its owner,
     * inside the caller's transaction; null when it was claimed already.
     */
    async claimAccount(trx: Db, userId: number, passwordHash: string): Promise<SessionUser | null> {
      if (!(await store.claimUser(trx, userId, passwordHash))) return null;
      const user = await store.findUserById(trx, userId);
      return user ? publicUser(user) : null;
    },

    /** Whether the user wants email reminders (the checkbox at /account; on by default). */
    async remindersEnabled(userId: number): Promise<boolean> {
      return (await store.remindersEnabled(db, [userId])).has(userId);
    },

    async setRemindersEnabled(userId: number, enabled: boolean): Promise<void> {
      await store.setRemindersEnabled(db, userId, enabled);
    },

    /**
     * Of the given users, the ids of those who want reminders: for whoever queues reminders, in
     * their transaction when they pass one.
     */
    async usersWantingReminders(userIds: readonly number[], trx: Db = db): Promise<Set<number>> {
      return store.remindersEnabled(trx, userIds);
    },

    /**
     * Replaces the password when `current` is right, and ends every other session of the user at
     * once (a stolen session must not outlive the change). false, changing nothing, when `current`
     * is wrong; an unclaimed account has no password to give, so it is always refused.
     */
    async changePassword(userId: number, current: string, next: string, keepSid: string, origin: AuditOrigin | null = null): Promise<boolean> {
      const user = await store.findUserById(db, userId);
      const usable = user && storedHashParameters(user.passwordHash) ? user.passwordHash : null;
      const ok = await verifyPassword(current, usable ?? (await dummyPasswordHash(passwordCost)));
      if (!user || !usable || !ok) return false;
      const passwordHash = await hashPassword(next, passwordCost);
      await db.transaction(async (trx) => {
        await store.updatePasswordHash(trx, userId, passwordHash);
        await store.endSessionsExcept(trx, userId, keepSid);
        await audit.record(trx, { actor: userId, action: 'password.changed', target: { type: 'user', id: userId }, origin, at: clock.now() });
      });
      return true;
    },

    async findUser(id: number): Promise<SessionUser | null> {
      const user = await store.findUserById(db, id);
      return user ? publicUser(user) : null;
    },

    /**
     * On a fresh install (no administrator yet), makes a one-time setup token, valid for a day.
     * Only its hash is stored; each start replaces the previous unused one.
     */
    async issueSetupTokenIfNoAdmin(): Promise<string | null> {
      if ((await store.countAdmins(db)) > 0) return null;
      const token = crypto.randomBytes(24).toString('base64url');
      await store.replaceSetupToken(db, sha256(token), clock.now().getTime() + SETUP_TOKEN_TTL_MS);
      return token;
    },

    /** The link works only while no administrator exists, however one was made (e.g. `bridgework users add`). */
    async isSetupTokenUsable(token: string): Promise<boolean> {
      if ((await store.countAdmins(db)) > 0) return false;
      return store.findUsableSetupToken(db, sha256(token), clock.now().getTime());
    },

    /** Creates the first administrator and spends the token, in one transaction. */
    async completeSetup(token: string, input: { email: string; displayName: string; password: string }): Promise<SessionUser | null> {
      const passwordHash = await hashPassword(input.password, passwordCost);
      return db.transaction(async (trx) => {
        if (!(await store.consumeSetupToken(trx, sha256(token), clock.now().getTime()))) return null;
        // Checked again inside the transaction that spends the token: an administrator made
        // meanwhile makes the link worthless.
        if ((await store.countAdmins(trx)) > 0) return null;
        const id = await store.insertUser(trx, { ...input, passwordHash, role: 'admin', createdAt: clock.now() });
        return { id, email: input.email, displayName: input.displayName, role: 'admin' as const, locale: 'en', membership: null };
      });
    },
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
