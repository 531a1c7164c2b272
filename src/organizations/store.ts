// The knex queries for organizations, units, memberships, invitations, staff imports and
// assignments: the only SQL that touches these tables (the session query in accounts/store.ts
// reads a user's membership with their session, in the same statement). Queries of records that
// belong to an organization take its id and match on it, so an id from another organization finds
// nothing. Names and emails of people come from the account service, never from here.
import type { Db } from '../db/knex';
import { isUniqueViolation } from '../db/knex';
import { toDate, toDateOrNull, toNumber, toNumberOrNull } from '../db/values';
import { conflict, type ErrorId } from '../http/errors';
import type { Assignment, AssignmentTarget, Invitation, Organization, OrganizationRole, OrganizationSummary, OrganizationType, UnitWithCount } from './types';

/** How names are compared: "Patrol  North" and "patrol north" are the same unit. */
export function nameKey(name: string): string {
  return name.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();
}

/** Runs a write; a unique violation becomes a Conflict with the given id. */
async function unique<T>(id: ErrorId, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(id);
    throw err;
  }
}

function insertedId(row: unknown): number {
  return toNumber(typeof row === 'object' && row !== null ? (row as { id: unknown }).id : row);
}

// ---- Organizations ----

function toOrganization(r: Record<string, unknown>): Organization {
  return { id: toNumber(r.id), name: String(r.name), type: r.type as OrganizationType, createdAt: toDate(r.created_at) };
}

export async function insertOrganization(db: Db, o: { name: string; type: OrganizationType; createdBy: number; now: Date }): Promise<number> {
  return unique('organization_name_taken', async () => {
    const [row] = await db('organizations')
      .insert({ name: o.name, name_key: nameKey(o.name), type: o.type, created_by: o.createdBy, created_at: o.now })
      .returning('id');
    return insertedId(row);
  });
}

export async function findOrganization(db: Db, id: number): Promise<Organization | null> {
  const r = await db('organizations').where({ id }).first('id', 'name', 'type', 'created_at');
  return r ? toOrganization(r) : null;
}

export async function listOrganizations(db: Db): Promise<OrganizationSummary[]> {
  const rows = await db('organizations as o')
    .leftJoin('memberships as m', 'm.organization_id', 'o.id')
    .groupBy('o.id', 'o.name', 'o.type', 'o.created_at')
    .orderBy('o.name')
    .select('o.id', 'o.name', 'o.type', 'o.created_at',
      db.raw('count(m.user_id) as members'),
      db.raw("sum(case when m.role = 'manager' then 1 else 0 end) as managers"));
  return rows.map((r) => ({ ...toOrganization(r), members: toNumber(r.members), managers: toNumber(r.managers ?? 0) }));
}

// ---- Units ----

export async function insertUnit(db: Db, organizationId: number, name: string, now: Date): Promise<number> {
  return unique('unit_name_taken', async () => {
    const [row] = await db('units').insert({ organization_id: organizationId, name, name_key: nameKey(name), created_at: now }).returning('id');
    return insertedId(row);
  });
}

/** Renames a unit of this organization; false when it has no such unit. */
export async function renameUnit(db: Db, organizationId: number, unitId: number, name: string): Promise<boolean> {
  return unique('unit_name_taken', async () =>
    (await db('units').where({ id: unitId, organization_id: organizationId }).update({ name, name_key: nameKey(name) })) === 1);
}

export async function listUnits(db: Db, organizationId: number): Promise<UnitWithCount[]> {
  const rows = await db('units as u')
    .leftJoin('memberships as m', 'm.unit_id', 'u.id')
    .where('u.organization_id', organizationId)
    .groupBy('u.id', 'u.name', 'u.name_key')
    .orderBy('u.name_key')
    .select('u.id', 'u.name', db.raw('count(m.user_id) as members'));
  return rows.map((r) => ({ id: toNumber(r.id), organizationId, name: String(r.name), members: toNumber(r.members) }));
}

// ---- Memberships ----

export interface MembershipRow {
  userId: number;
  organizationId: number;
  unitId: number | null;
  role: OrganizationRole;
  joinedAt: Date;
}

function toMembership(r: Record<string, unknown>): MembershipRow {
  return {
    userId: toNumber(r.user_id), organizationId: toNumber(r.organization_id), unitId: toNumberOrNull(r.unit_id),
    role: r.role as OrganizationRole, joinedAt: toDate(r.joined_at),
  };
}

const MEMBERSHIP_COLUMNS = ['user_id', 'organization_id', 'unit_id', 'role', 'joined_at'];

export async function findMembership(db: Db, userId: number): Promise<MembershipRow | null> {
  const r = await db('memberships').where({ user_id: userId }).first(MEMBERSHIP_COLUMNS);
  return r ? toMembership(r) : null;
}

/** The memberships of these users, in any organization (an import checks who belongs elsewhere). */
export async function membershipsOfUsers(db: Db, userIds: number[]): Promise<MembershipRow[]> {
  const out: MembershipRow[] = [];
  for (const ids of chunks(userIds)) out.push(...(await db('memberships').whereIn('user_id', ids).select(MEMBERSHIP_COLUMNS)).map(toMembership));
  return out;
}

/** Every membership of the organization, optionally of one unit (`null`: those in no unit). */
export async function listMemberships(db: Db, organizationId: number, unitId?: number | null): Promise<MembershipRow[]> {
  const q = db('memberships').where({ organization_id: organizationId }).select(MEMBERSHIP_COLUMNS);
  if (unitId === null) q.whereNull('unit_id');
  else if (unitId !== undefined) q.where({ unit_id: unitId });
  return (await q).map(toMembership);
}

/** A user joins; one who already belongs to an organization is a Conflict. */
export async function insertMemberships(db: Db, rows: MembershipRow[]): Promise<void> {
  await unique('already_in_organization', async () => {
    for (const part of chunks(rows, 200)) {
      await db('memberships').insert(part.map((m) => ({
        user_id: m.userId, organization_id: m.organizationId, unit_id: m.unitId, role: m.role, joined_at: m.joinedAt,
      })));
    }
  });
}

/** Changes a member of this organization; false when they are not one. */
export async function updateMembership(db: Db, organizationId: number, userId: number, change: { unitId?: number | null; role?: OrganizationRole }): Promise<boolean> {
  const set: Record<string, unknown> = {};
  if (change.unitId !== undefined) set.unit_id = change.unitId;
  if (change.role !== undefined) set.role = change.role;
  return (await db('memberships').where({ organization_id: organizationId, user_id: userId }).update(set)) === 1;
}

export async function deleteMembership(db: Db, organizationId: number, userId: number): Promise<boolean> {
  return (await db('memberships').where({ organization_id: organizationId, user_id: userId }).delete()) === 1;
}

export async function countManagers(db: Db, organizationId: number): Promise<number> {
  const r = await db('memberships').where({ organization_id: organizationId, role: 'manager' }).count({ n: '*' }).first();
  return toNumber(r?.n ?? 0);
}

// ---- Invitations ----

const INVITATION_COLUMNS = ['i.id', 'i.organization_id', 'i.unit_id', 'un.name as unit_name', 'i.role', 'i.expires_at', 'i.max_uses', 'i.uses',
  'i.email', 'i.display_name', 'i.user_id', 'i.created_at', 'i.revoked_at'];

function toInvitation(r: Record<string, unknown>): Invitation {
  return {
    id: toNumber(r.id), organizationId: toNumber(r.organization_id), unitId: toNumberOrNull(r.unit_id),
    unitName: r.unit_name == null ? null : String(r.unit_name), role: r.role as OrganizationRole,
    expiresAt: toDate(r.expires_at), maxUses: toNumber(r.max_uses), uses: toNumber(r.uses),
    email: r.email == null ? null : String(r.email), displayName: r.display_name == null ? null : String(r.display_name),
    userId: toNumberOrNull(r.user_id), createdAt: toDate(r.created_at), revokedAt: toDateOrNull(r.revoked_at),
  };
}

const invitations = (db: Db) => db('invitations as i').leftJoin('units as un', 'un.id', 'i.unit_id');

export interface NewInvitation {
  organizationId: number;
  unitId: number | null;
  tokenHash: string;
  role: OrganizationRole;
  expiresAt: Date;
  maxUses: number;
  email: string | null;
  displayName: string | null;
  userId: number | null;
  createdBy: number;
  now: Date;
}

export async function insertInvitations(db: Db, list: NewInvitation[]): Promise<void> {
  for (const part of chunks(list, 200)) {
    await db('invitations').insert(part.map((i) => ({
      organization_id: i.organizationId, unit_id: i.unitId, token_hash: i.tokenHash, role: i.role, expires_at: i.expiresAt,
      max_uses: i.maxUses, uses: 0, email: i.email, display_name: i.displayName, user_id: i.userId, created_by: i.createdBy, created_at: i.now,
    })));
  }
}

/** Open links (`personal: false`) or personal invitations of the organization, newest first. */
export async function listInvitations(db: Db, organizationId: number, o: { personal: boolean; limit: number }): Promise<Invitation[]> {
  const q = invitations(db).where('i.organization_id', organizationId).orderBy([{ column: 'i.created_at', order: 'desc' }, { column: 'i.id', order: 'desc' }])
    .limit(o.limit).select(INVITATION_COLUMNS);
  if (o.personal) q.whereNotNull('i.user_id');
  else q.whereNull('i.user_id');
  return (await q).map(toInvitation);
}

export async function findInvitationByHash(db: Db, tokenHash: string): Promise<Invitation | null> {
  const r = await invitations(db).where('i.token_hash', tokenHash).first(INVITATION_COLUMNS);
  return r ? toInvitation(r) : null;
}

export async function findInvitation(db: Db, organizationId: number, id: number): Promise<Invitation | null> {
  const r = await invitations(db).where({ 'i.id': id, 'i.organization_id': organizationId }).first(INVITATION_COLUMNS);
  return r ? toInvitation(r) : null;
}

/** Revokes an invitation of this organization; false when it has none such or it was revoked. */
export async function revokeInvitation(db: Db, organizationId: number, id: number, now: Date): Promise<boolean> {
  return (await db('invitations').where({ id, organization_id: organizationId }).whereNull('revoked_at').update({ revoked_at: now })) === 1;
}

/** Revokes every unrevoked personal invitation bound to the user (removed, or given a new link). */
export async function revokeInvitationsOfUser(db: Db, organizationId: number, userId: number, now: Date): Promise<void> {
  await db('invitations').where({ organization_id: organizationId, user_id: userId }).whereNull('revoked_at').update({ revoked_at: now });
}

/**
 * Counts one use, only while the invitation is usable: two people taking the last use of a link at
 * once are decided by the database, not by a read before the write. False when it is not usable.
 */
export async function useInvitation(db: Db, id: number, now: Date): Promise<boolean> {
  const n = await db('invitations').where({ id }).whereNull('revoked_at').where('expires_at', '>', now)
    .where('uses', '<', db.ref('max_uses')).increment('uses', 1);
  return n === 1;
}

// ---- Staff imports between preview and confirmation ----

export async function insertImport(db: Db, i: { organizationId: number; createdBy: number; fileName: string; content: string; now: Date }): Promise<number> {
  const [row] = await db('member_imports')
    .insert({ organization_id: i.organizationId, created_by: i.createdBy, file_name: i.fileName, content: i.content, created_at: i.now })
    .returning('id');
  return insertedId(row);
}

export async function findImport(db: Db, organizationId: number, id: number, createdBy: number): Promise<{ id: number; fileName: string; content: string; appliedAt: Date | null; createdAt: Date } | null> {
  const r = await db('member_imports').where({ id, organization_id: organizationId, created_by: createdBy })
    .first('id', 'file_name', 'content', 'applied_at', 'created_at');
  return r ? { id: toNumber(r.id), fileName: String(r.file_name), content: String(r.content), appliedAt: toDateOrNull(r.applied_at), createdAt: toDate(r.created_at) } : null;
}

/** Marks the import applied; false when it already was (a double submit). */
export async function markImportApplied(db: Db, id: number, now: Date): Promise<boolean> {
  return (await db('member_imports').where({ id }).whereNull('applied_at').update({ applied_at: now })) === 1;
}

/** Files older than the cut-off are of no more use (previews expire), applied or not. */
export async function deleteImportsBefore(db: Db, cutoff: Date): Promise<void> {
  await db('member_imports').where('created_at', '<', cutoff).delete();
}

// ---- Assignments ----

const ASSIGNMENT_COLUMNS = ['id', 'organization_id', 'course_id', 'target', 'unit_id', 'user_id', 'due_at', 'within_days', 'renews', 'created_at', 'removed_at'];

function toAssignment(r: Record<string, unknown>): Assignment {
  return {
    id: toNumber(r.id), organizationId: toNumber(r.organization_id), courseId: toNumber(r.course_id), target: r.target as AssignmentTarget,
    unitId: toNumberOrNull(r.unit_id), userId: toNumberOrNull(r.user_id), dueAt: toDateOrNull(r.due_at), withinDays: toNumberOrNull(r.within_days),
    renews: Boolean(r.renews) && r.renews !== '0', createdAt: toDate(r.created_at), removedAt: toDateOrNull(r.removed_at),
  };
}

/** An assignment as made: what it requires, plus who made it and when. */
export type NewAssignment = Omit<Assignment, 'id' | 'createdAt' | 'removedAt'> & { createdBy: number; now: Date };

export async function insertAssignment(db: Db, a: NewAssignment): Promise<number> {
  const [row] = await db('assignments').insert({
    organization_id: a.organizationId, course_id: a.courseId, target: a.target, unit_id: a.unitId, user_id: a.userId,
    due_at: a.dueAt, within_days: a.withinDays, renews: a.renews, created_by: a.createdBy, created_at: a.now,
  }).returning('id');
  return insertedId(row);
}

/** The organization's assignments still in force (not removed), oldest first. */
export async function activeAssignments(db: Db, organizationId: number): Promise<Assignment[]> {
  const rows = await db('assignments').where({ organization_id: organizationId }).whereNull('removed_at').orderBy('id').select(ASSIGNMENT_COLUMNS);
  return rows.map(toAssignment);
}

/** Marks an assignment of this organization removed; false when there is none such in force. */
export async function removeAssignment(db: Db, organizationId: number, id: number, now: Date): Promise<boolean> {
  return (await db('assignments').where({ id, organization_id: organizationId }).whereNull('removed_at').update({ removed_at: now })) === 1;
}

/** Lists longer than this are queried in parts: both databases cap a statement's parameters. */
export function chunks<T>(list: T[], size = 900): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}
