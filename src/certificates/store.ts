// Knex queries for certificate records.
import type { Db } from '../db/knex';
import { toDate, toDateOrNull, toNumber, toNumberOrNull } from '../db/values';

export interface CertificateRow {
  id: number;
  code: string;
  userId: number;
  courseId: number;
  holderName: string;
  courseTitle: string;
  hours: number | null;
  issuedAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  revokedReason: string | null;
}

const COLUMNS = ['c.id', 'c.code', 'c.user_id', 'k.course_id', 'c.holder_name', 'c.course_title', 'c.hours', 'c.issued_at', 'c.expires_at', 'c.revoked_at', 'c.revoked_reason'];

function toRow(r: Record<string, unknown>): CertificateRow {
  return {
    id: toNumber(r.id), code: String(r.code), userId: toNumber(r.user_id), courseId: toNumber(r.course_id),
    holderName: String(r.holder_name), courseTitle: String(r.course_title), hours: toNumberOrNull(r.hours),
    issuedAt: toDate(r.issued_at), expiresAt: toDateOrNull(r.expires_at), revokedAt: toDateOrNull(r.revoked_at),
    revokedReason: r.revoked_reason == null ? null : String(r.revoked_reason),
  };
}

const base = (db: Db) => db('certificates as c').join('completions as k', 'k.id', 'c.completion_id');

export async function insertCertificate(
  db: Db,
  c: { code: string; completionId: number; userId: number; holderName: string; courseTitle: string; hours: number | null; issuedAt: Date; expiresAt: Date | null },
): Promise<void> {
  await db('certificates').insert({
    code: c.code, completion_id: c.completionId, user_id: c.userId, holder_name: c.holderName, course_title: c.courseTitle,
    hours: c.hours, issued_at: c.issuedAt, expires_at: c.expiresAt,
  });
}

export async function findByCode(db: Db, code: string): Promise<CertificateRow | null> {
  const r = await base(db).where('c.code', code).first(COLUMNS);
  return r ? toRow(r) : null;
}

export async function listForUser(db: Db, userId: number): Promise<CertificateRow[]> {
  const rows = await base(db).where('c.user_id', userId).orderBy('c.issued_at', 'desc').select(COLUMNS);
  return rows.map(toRow);
}
