// Correcting a user's name is work of two features: the account keeps the name, the certificates
// print it. This command owns the one transaction both happen in, so the name and the
// certificates never disagree (a failed reissue leaves the old name in place).
import type { Db } from '../db/knex';
import type { AccountService } from '../accounts/service';
import type { CertificateService } from '../certificates/service';

export function createRenameUser({ db, accounts, certificates }: { db: Db; accounts: AccountService; certificates: CertificateService }) {
  /** Sets the name and reissues every current certificate under it; returns how many were reissued. */
  return async function renameUser(userId: number, displayName: string): Promise<{ reissued: number }> {
    return db.transaction(async (trx) => {
      await accounts.setDisplayName(trx, userId, displayName);
      return { reissued: await certificates.reissueForName(trx, userId, displayName) };
    });
  };
}

export type RenameUser = ReturnType<typeof createRenameUser>;
