// Knex queries for certificate records.
import { isUniqueViolation, type Db } from '../db/knex';
import { conflict } from '../http/errors';
import { toDate, toDateOrNull, toNumber, toNumberOrNull } from '../db/values';

export interface CertificateRow {
  id: number;
  code: string;
  userId: number;
  completionId: number;
  courseId: number;
  courseSlug: string;
  holderName: string;
  courseTitle: string;
  hours: number | null;
  issuedAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  revokedReason: string | null;
  supersededAt: Date | null;
  /** When the holder withdrew it by erasing their account (src/privacy/erase.ts): no name, no PDF. */
  withdrawnAt: Date | null;
}

const COLUMNS = ['c.id', 'c.code', 'c.user_id', 'c.completion_id', 'k.course_id', 'co.slug as course_slug', 'c.holder_name', 'c.course_title',
  'c.hours', 'c.issued_at', 'c.expires_at', 'c.revoked_at', 'c.revoked_reason', 'c.superseded_at', 'c.withdrawn_at'];

function toRow(r: Record<string, unknown>): CertificateRow {
  return {
    id: toNumber(r.id), code: String(r.code), userId: toNumber(r.user_id), completionId: toNumber(r.completion_id),
    courseId: toNumber(r.course_id), courseSlug: String(r.course_slug),
    holderName: String(r.holder_name), courseTitle: String(r.course_title), hours: toNumberOrNull(r.hours),
    issuedAt: toDate(r.issued_at), expiresAt: toDateOrNull(r.expires_at), revokedAt: toDateOrNull(r.revoked_at),
    revokedReason: r.revoked_reason == null ? null : String(r.revoked_reason), supersededAt: toDateOrNull(r.superseded_at),
    withdrawnAt: toDateOrNull(r.withdrawn_at),
  };
}

const base = (db: Db) => db('certificates as c')
  .join('completions as k', 'k.id', 'c.completion_id')
  .join('courses as co', 'co.id', 'k.course_id');

export interface NewCertificate {
  code: string;
  completionId: number;
  userId: number;
  holderName: string;
  courseTitle: string;
  hours: number | null;
  issuedAt: Date;
  expiresAt: Date | null;
}

/** Inserts a certificate; a code already in use is a Conflict `certificate_code_taken`. */
export async function insertCertificate(db: Db, c: NewCertificate): Promise<number> {
  try {
    const [row] = await db('certificates').insert({
      code: c.code, completion_id: c.completionId, user_id: c.userId, holder_name: c.holderName, course_title: c.courseTitle,
      hours: c.hours, issued_at: c.issuedAt, expires_at: c.expiresAt,
    }).returning('id');
    return toNumber(typeof row === 'object' ? row.id : row);
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict('certificate_code_taken');
    throw err;
  }
}

export async function findByCode(db: Db, code: string): Promise<CertificateRow | null> {
  const r = await base(db).where('c.code', code).first(COLUMNS);
  return r ? toRow(r) : null;
}

/** Every certificate the user ever held, newest first: superseded and revoked ones included. */
export async function listForUser(db: Db, userId: number): Promise<CertificateRow[]> {
  const rows = await base(db).where('c.user_id', userId).orderBy([{ column: 'c.issued_at', order: 'desc' }, { column: 'c.id', order: 'desc' }]).select(COLUMNS);
  return rows.map(toRow);
}

/** Certificates a name change must replace: neither superseded nor revoked. */
export async function listReplaceable(db: Db, userId: number): Promise<CertificateRow[]> {
  const rows = await base(db).where('c.user_id', userId).whereNull('c.superseded_at').whereNull('c.revoked_at').select(COLUMNS);
  return rows.map(toRow);
}

export async function markSuperseded(db: Db, id: number, byId: number, now: Date): Promise<void> {
  await db('certificates').where({ id }).whereNull('superseded_at').update({ superseded_at: now, superseded_by: byId });
}

/** Revokes once; returns false when the certificate was already revoked. */
export async function revoke(db: Db, id: number, reason: string, byUserId: number, now: Date): Promise<boolean> {
  const n = await db('certificates').where({ id }).whereNull('revoked_at').update({ revoked_at: now, revoked_reason: reason, revoked_by: byUserId });
  return n === 1;
}

export async function search(db: Db, q: { courseSlug?: string; from?: Date; to?: Date; limit: number }): Promise<CertificateRow[]> {
  const query = base(db).select(COLUMNS).orderBy([{ column: 'c.issued_at', order: 'desc' }, { column: 'c.id', order: 'desc' }]).limit(q.limit);
  if (q.courseSlug) query.where('co.slug', q.courseSlug);
  if (q.from) query.where('c.issued_at', '>=', q.from);
  if (q.to) query.where('c.issued_at', '<', q.to);
  return (await query).map(toRow);
}

/** Every certificate of these users (an organization's staff), newest first, read in parts. */
export async function listForUsers(db: Db, userIds: number[]): Promise<CertificateRow[]> {
  const out: CertificateRow[] = [];
  for (let i = 0; i < userIds.length; i += 900) {
    const rows = await base(db).whereIn('c.user_id', userIds.slice(i, i + 900))
      .orderBy([{ column: 'c.issued_at', order: 'desc' }, { column: 'c.id', order: 'desc' }]).select(COLUMNS);
    out.push(...rows.map(toRow));
  }
  return out;
}
