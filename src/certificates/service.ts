// Issuing certificates, checking them, reissuing them when a name is corrected, revoking them.
import type { Db } from '../db/knex';
import type { Clock } from '../clock';
import { HttpError, notFound } from '../http/errors';
import { generateCode, parseCode } from './codes';
import * as store from './store';
import { audit, type AuditOrigin } from '../audit/record';
import type { CertificateRow, NewCertificate } from './store';
import type { CertificateRecord } from './pdf';

/** `withdrawn`: the holder erased their account; the certificate then names no one. */
export type CertificateStatus = 'valid' | 'expired' | 'revoked' | 'superseded' | 'withdrawn';

/** Learners are warned this long before a certificate expires. */
export const EXPIRY_WARNING_DAYS = 60;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface Verification {
  status: CertificateStatus;
  code: string;
  holderName: string;
  courseTitle: string;
  hours: number | null;
  issuedAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  revokedReason: string | null;
  supersededAt: Date | null;
}

export type VerifyResult = { found: true; verification: Verification } | { found: false; reason: 'length' | 'character' | 'check' | 'unknown' };

export type CertificateView = CertificateRow & { status: CertificateStatus; expiringSoon: boolean };

/** Adds calendar months in UTC, clamping to the month's last day (31 Jan + 1 month = 28/29 Feb). */
export function addMonths(date: Date, months: number): Date {
  const d = new Date(date.getTime());
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d;
}

export function toRecord(c: CertificateRow): CertificateRecord {
  return { code: c.code, holderName: c.holderName, courseTitle: c.courseTitle, hours: c.hours, issuedAt: c.issuedAt, expiresAt: c.expiresAt };
}

export function createCertificateService({ db, clock }: { db: Db; clock: Clock }) {
  function statusOf(c: CertificateRow): CertificateStatus {
    if (c.withdrawnAt) return 'withdrawn';
    if (c.revokedAt) return 'revoked';
    if (c.supersededAt) return 'superseded';
    if (c.expiresAt && c.expiresAt.getTime() <= clock.now().getTime()) return 'expired';
    return 'valid';
  }

  function view(c: CertificateRow): CertificateView {
    const status = statusOf(c);
    const expiringSoon = status === 'valid' && c.expiresAt !== null && c.expiresAt.getTime() - clock.now().getTime() <= EXPIRY_WARNING_DAYS * DAY_MS;
    return { ...c, status, expiringSoon };
  }

  /** Inserts with a fresh code; a collision (about 1 in 2^69) is retried inside a savepoint. */
  async function insertWithCode(trx: Db, c: Omit<NewCertificate, 'code'>): Promise<{ id: number; code: string }> {
    for (let attempt = 0; ; attempt++) {
      const code = generateCode();
      try {
        const id = await trx.transaction((sp) => store.insertCertificate(sp, { ...c, code }));
        return { id, code };
      } catch (err) {
        if (!(err instanceof HttpError && err.id === 'certificate_code_taken') || attempt >= 3) throw err;
      }
    }
  }

  return {
    /** Issues the certificate for a completion, inside the caller's transaction. */
    async issue(trx: Db, c: Omit<NewCertificate, 'code'>): Promise<string> {
      return (await insertWithCode(trx, c)).code;
    },

    /** Every certificate of the user (history included), with status and expiry warning. */
    async listForUser(userId: number): Promise<CertificateView[]> {
      return (await store.listForUser(db, userId)).map(view);
    },

    /**
     * After a name correction: each current certificate is replaced by one with the new name
     * (same completion, dates and hours) and the old one is marked superseded. Inside the
     * caller's transaction, so the name and the certificates change together.
     */
    async reissueForName(trx: Db, userId: number, holderName: string): Promise<number> {
      const now = clock.now();
      const current = await store.listReplaceable(trx, userId);
      for (const old of current) {
        if (old.holderName === holderName) continue;
        const { id } = await insertWithCode(trx, {
          completionId: old.completionId, userId, holderName, courseTitle: old.courseTitle,
          hours: old.hours, issuedAt: old.issuedAt, expiresAt: old.expiresAt,
        });
        await store.markSuperseded(trx, old.id, id, now);
      }
      return current.filter((c) => c.holderName !== holderName).length;
    },

    /** Every certificate of these users (an organization's staff), newest first, with status. */
    async listForUsers(userIds: number[]): Promise<CertificateView[]> {
      return (await store.listForUsers(db, userIds)).map(view);
    },

    /** Public check of a code as typed: says which part is wrong, or what the record holds. */
    async verify(input: string): Promise<VerifyResult> {
      const parsed = parseCode(input);
      if (!parsed.ok) return { found: false, reason: parsed.reason };
      const c = await store.findByCode(db, parsed.code);
      if (!c) return { found: false, reason: 'unknown' };
      // A withdrawn certificate names no one (its holder erased their account): nothing else is shown.
      if (c.withdrawnAt) {
        return {
          found: true,
          verification: {
            status: 'withdrawn', code: c.code, holderName: '', courseTitle: c.courseTitle, hours: c.hours,
            issuedAt: c.issuedAt, expiresAt: null, revokedAt: null, revokedReason: null, supersededAt: null,
          },
        };
      }
      return {
        found: true,
        verification: {
          status: statusOf(c), code: c.code, holderName: c.holderName, courseTitle: c.courseTitle, hours: c.hours,
          issuedAt: c.issuedAt, expiresAt: c.expiresAt, revokedAt: c.revokedAt, revokedReason: c.revokedReason, supersededAt: c.supersededAt,
        },
      };
    },

    async byCode(code: string): Promise<CertificateView> {
      const parsed = parseCode(code);
      const c = parsed.ok ? await store.findByCode(db, parsed.code) : null;
      if (!c) throw notFound();
      return view(c);
    },

    /** An administrator withdraws a certificate; verification then shows the date and reason. */
    async revoke(code: string, reason: string, adminId: number, origin?: AuditOrigin): Promise<boolean> {
      const c = await this.byCode(code);
      return db.transaction(async (trx) => {
        const revoked = await store.revoke(trx, c.id, reason, adminId, clock.now());
        if (revoked) await audit.record(trx, { actor: adminId, action: 'certificate.revoked', target: { type: 'certificate', id: c.code }, origin, at: clock.now() });
        return revoked;
      });
    },

    async search(q: { courseSlug?: string; from?: Date; to?: Date; limit?: number }): Promise<CertificateView[]> {
      return (await store.search(db, { ...q, limit: q.limit ?? 500 })).map(view);
    },
  };
}

export type CertificateService = ReturnType<typeof createCertificateService>;
