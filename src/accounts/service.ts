// Account rules: registration, credential checks, the first administrator's one-time setup link.
import crypto from 'node:crypto';
import type { Db } from '../db/knex';
import { isUniqueViolation } from '../db/knex';
import type { Clock } from '../clock';
import { conflict } from '../http/errors';
import { dummyPasswordHash, hashPassword, verifyPassword } from './passwords';
import * as store from './store';
import type { Role, SessionUser } from './types';

const SETUP_TOKEN_TTL_MS = 24 * 60 * 60 * 1000;

function sha256(s: string): string {
  return crypto.createHash('sha256').update(s).digest('hex');
}

function publicUser(u: store.UserRow): SessionUser {
  return { id: u.id, email: u.email, displayName: u.displayName, role: u.role, locale: u.locale };
}

export function createAccountService({ db, clock }: { db: Db; clock: Clock }) {
  return {
    /** Creates an account; a taken email is a Conflict (the form says so beside the field). */
    async createUser(input: { email: string; displayName: string; password: string; role: Role }): Promise<SessionUser> {
      const passwordHash = await hashPassword(input.password);
      try {
        const id = await store.insertUser(db, { ...input, passwordHash, createdAt: clock.now() });
        return { id, email: input.email, displayName: input.displayName, role: input.role, locale: 'en' };
      } catch (err) {
        if (isUniqueViolation(err)) throw conflict('email_taken');
        throw err;
      }
    },

    /** Returns the user for a correct email and password, else null, in the same time either way. */
    async checkCredentials(email: string, password: string): Promise<SessionUser | null> {
      const user = await store.findUserByEmail(db, email);
      const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash()));
      return user && ok ? publicUser(user) : null;
    },

    /**
     * Corrects the name printed on certificates. `alsoInTransaction` lets the certificate service
     * reissue in the same transaction, so the name and the certificates never disagree.
     */
    async changeDisplayName(userId: number, displayName: string, alsoInTransaction: (trx: Db) => Promise<unknown>): Promise<void> {
      await db.transaction(async (trx) => {
        await store.updateDisplayName(trx, userId, displayName);
        await alsoInTransaction(trx);
      });
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

    async isSetupTokenUsable(token: string): Promise<boolean> {
      return store.findUsableSetupToken(db, sha256(token), clock.now().getTime());
    },

    /** Creates the first administrator and spends the token, in one transaction. */
    async completeSetup(token: string, input: { email: string; displayName: string; password: string }): Promise<SessionUser | null> {
      const passwordHash = await hashPassword(input.password);
      try {
        return await db.transaction(async (trx) => {
          if (!(await store.consumeSetupToken(trx, sha256(token), clock.now().getTime()))) return null;
          const id = await store.insertUser(trx, { ...input, passwordHash, role: 'admin', createdAt: clock.now() });
          return { id, email: input.email, displayName: input.displayName, role: 'admin' as const, locale: 'en' };
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw conflict('email_taken');
        throw err;
      }
    },
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
