// The rules of account administration: change a site role, deactivate and reactivate an account.
// Each change and its audit row are written in one transaction. The site always keeps one active
// administrator: the last one can be neither demoted nor deactivated (by others or themselves).
import type { Clock } from '../clock';
import type { Db } from '../db/knex';
import { conflict, notFound } from '../http/errors';
import type { Role, SessionUser } from '../accounts/types';
import { audit, type AuditOrigin } from '../audit/record';
import * as store from './users-store';

export function createUserAdminService({ db, clock }: { db: Db; clock: Clock }) {
  async function load(trx: Db, id: number): Promise<store.ManagedUser> {
    const user = await store.findManagedUser(trx, id);
    if (!user) throw notFound();
    return user;
  }

  /** An account its holder deleted stays as it is: reactivated, it could be given a password again. */
  async function loadChangeable(trx: Db, id: number): Promise<store.ManagedUser> {
    const user = await load(trx, id);
    if (user.erasedAt) throw conflict('account_erased');
    return user;
  }

  /** Refuses when the change would leave no active administrator. */
  async function keepAnAdmin(trx: Db, user: store.ManagedUser): Promise<void> {
    if (user.role === 'admin' && user.deactivatedAt === null && !(await store.anotherActiveAdmin(trx, user.id))) throw conflict('last_admin');
  }

  const actorOf = (u: SessionUser) => ({ id: u.id, displayName: u.displayName, email: u.email });

  return {
    search: (text: string, page: number) => store.searchUsers(db, text, page),
    find: (id: number) => load(db, id),

    async changeRole(actor: SessionUser, id: number, role: Role, origin: AuditOrigin): Promise<void> {
      await db.transaction(async (trx) => {
        const user = await loadChangeable(trx, id);
        if (user.role === role) return;
        if (role !== 'admin') await keepAnAdmin(trx, user);
        await store.setRole(trx, id, role);
        await audit.record(trx, {
          actor: actorOf(actor), action: 'user.role_changed', target: { type: 'user', id }, details: { from: user.role, to: role }, origin, at: clock.now(),
        });
      });
    },

    /** Deactivates the account and ends its sessions at once. */
    async deactivate(actor: SessionUser, id: number, origin: AuditOrigin): Promise<void> {
      await db.transaction(async (trx) => {
        const user = await load(trx, id);
        if (user.deactivatedAt) return;
        await keepAnAdmin(trx, user);
        await store.setDeactivatedAt(trx, id, clock.now());
        await store.endAllSessions(trx, id);
        await audit.record(trx, { actor: actorOf(actor), action: 'user.deactivated', target: { type: 'user', id }, origin, at: clock.now() });
      });
    },

    async reactivate(actor: SessionUser, id: number, origin: AuditOrigin): Promise<void> {
      await db.transaction(async (trx) => {
        const user = await loadChangeable(trx, id);
        if (!user.deactivatedAt) return;
        await store.setDeactivatedAt(trx, id, null);
        await audit.record(trx, { actor: actorOf(actor), action: 'user.reactivated', target: { type: 'user', id }, origin, at: clock.now() });
      });
    },
  };
}

export type UserAdminService = ReturnType<typeof createUserAdminService>;
