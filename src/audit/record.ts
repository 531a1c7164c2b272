// Writing the audit log: one row per privileged action, written with the caller's transaction
// where the action has one, so the action and its record commit (or roll back) together. This is
// the only code that writes `audit_events`, and it only ever inserts (the log is append-only).
import type { Request } from 'express';
import type { Db } from '../db/knex';

/** Every action the log records, as stable ids (filters and the CSV use them). */
export const AUDIT_ACTIONS = [
  'user.role_changed', 'user.deactivated', 'user.reactivated',
  'course.published', 'certificate.revoked', 'certificates.downloaded',
  'report.exported', 'api_token.created', 'api_token.revoked', 'api_token.used',
  'staff.imported', 'member.removed', 'organization.created', 'manager.named',
  'second_factor.enrolled', 'second_factor.disabled', 'second_factor.reset', 'second_factor.recovery_code_used',
  'second_factor.recovery_codes_renewed',
  'account.erased',
  'password.changed', 'password.reset', 'password.link_issued',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Who acted: a snapshot, so the row still reads after the account is renamed or erased. */
export interface AuditActor {
  id: number;
  displayName: string;
  email: string;
}

/** Where the request came from. */
export interface AuditOrigin {
  clientAddress: string | null;
  requestId: string | null;
}

export interface AuditEvent {
  /** The acting user, or their id alone (their name and email are then read in the same transaction). */
  actor: AuditActor | number | null;
  action: AuditAction;
  target?: { type: string; id: string | number };
  /** Small and free of secrets: a role, a count, a format; never a password, a token or a hash. */
  details?: Record<string, string | number | boolean | null>;
  /** Absent for an action taken outside a request (a command). */
  origin?: AuditOrigin | null;
  /** When, from the service's clock; now when not given. */
  at?: Date;
}

export function auditOrigin(req: Request): AuditOrigin {
  return { clientAddress: req.ip ?? null, requestId: req.id == null ? null : String(req.id) };
}

/** Who and from where, for an action taken by the signed-in user of a request. */
export function byRequest(req: Request): Pick<AuditEvent, 'actor' | 'origin'> {
  const u = req.user;
  return { actor: u ? { id: u.id, displayName: u.displayName, email: u.email } : null, origin: auditOrigin(req) };
}

async function actorOf(db: Db, actor: AuditEvent['actor']): Promise<AuditActor | null> {
  if (typeof actor !== 'number') return actor;
  const row = await db('users').where({ id: actor }).first('display_name', 'email');
  return { id: actor, displayName: row ? String(row.display_name) : '', email: row ? String(row.email) : '' };
}

async function record(db: Db, event: AuditEvent): Promise<void> {
  const actor = await actorOf(db, event.actor);
  await db('audit_events').insert({
    at: event.at ?? new Date(),
    actor_id: actor?.id ?? null,
    actor_label: actor ? `${actor.displayName} <${actor.email}>`.slice(0, 400) : '',
    action: event.action,
    target_type: event.target?.type ?? null,
    target_id: event.target == null ? null : String(event.target.id),
    details: JSON.stringify(event.details ?? {}),
    client_address: event.origin?.clientAddress?.slice(0, 64) ?? null,
    request_id: event.origin?.requestId?.slice(0, 64) ?? null,
  });
}

export const audit = { record };
