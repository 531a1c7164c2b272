// Issuing certificates, checking them, and rendering their PDF on demand from the record.
import type { Db } from '../db/knex';
import { isUniqueViolation } from '../db/knex';
import type { Clock } from '../clock';
import { notFound } from '../http/errors';
import { generateCode, parseCode } from './codes';
import * as store from './store';
import type { CertificateRow } from './store';

export type CertificateStatus = 'valid' | 'expired' | 'revoked';

export interface Verification {
  status: CertificateStatus;
  code: string;
  holderName: string;
  courseTitle: string;
  hours: number | null;
  issuedAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

export type VerifyResult = { found: true; verification: Verification } | { found: false; reason: 'length' | 'character' | 'check' | 'unknown' };

export function createCertificateService({ db, clock }: { db: Db; clock: Clock }) {
  function statusOf(c: CertificateRow): CertificateStatus {
    if (c.revokedAt) return 'revoked';
    if (c.expiresAt && c.expiresAt.getTime() <= clock.now().getTime()) return 'expired';
    return 'valid';
  }

  return {
    /**
     * Issues the certificate for a completion, inside the caller's transaction. A code collision
     * (about 1 in 2^69) is retried inside a savepoint so the surrounding transaction survives.
     */
    async issue(trx: Db, c: { completionId: number; userId: number; holderName: string; courseTitle: string; hours: number | null; issuedAt: Date; expiresAt: Date | null }): Promise<string> {
      for (let attempt = 0; ; attempt++) {
        const code = generateCode();
        try {
          await trx.transaction((sp) => store.insertCertificate(sp, { ...c, code }));
          return code;
        } catch (err) {
          if (!isUniqueViolation(err) || attempt >= 3) throw err;
        }
      }
    },

    async listForUser(userId: number): Promise<(CertificateRow & { status: CertificateStatus })[]> {
      const rows = await store.listForUser(db, userId);
      return rows.map((r) => ({ ...r, status: statusOf(r) }));
    },

    /** Public check of a code as typed: says which part is wrong, or what the record holds. */
    async verify(input: string): Promise<VerifyResult> {
      const parsed = parseCode(input);
      if (!parsed.ok) return { found: false, reason: parsed.reason };
      const c = await store.findByCode(db, parsed.code);
      if (!c) return { found: false, reason: 'unknown' };
      return {
        found: true,
        verification: {
          status: statusOf(c), code: c.code, holderName: c.holderName, courseTitle: c.courseTitle,
          hours: c.hours, issuedAt: c.issuedAt, expiresAt: c.expiresAt, revokedAt: c.revokedAt,
        },
      };
    },

    /** The holder's own certificate; anyone else's is indistinguishable from a missing one. */
    async ownCertificate(code: string, userId: number): Promise<CertificateRow> {
      const parsed = parseCode(code);
      const c = parsed.ok ? await store.findByCode(db, parsed.code) : null;
      if (!c || c.userId !== userId) throw notFound();
      return c;
    },
  };
}

export type CertificateService = ReturnType<typeof createCertificateService>;
