// The knex queries for `api_tokens`, and nothing else. Every query of an organization's tokens
// takes its id and matches on it, so a token id of another organization finds nothing.
import type { Db } from '../db/knex';
import { toDate, toDateOrNull, toNumber, toNumberOrNull } from '../db/values';

export interface ApiTokenRow {
  id: number;
  organizationId: number;
  name: string;
  prefix: string;
  createdBy: number | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const COLUMNS = ['id', 'organization_id', 'name', 'prefix', 'created_by', 'created_at', 'last_used_at', 'revoked_at'];

function toRow(r: Record<string, unknown>): ApiTokenRow {
  return {
    id: toNumber(r.id), organizationId: toNumber(r.organization_id), name: String(r.name), prefix: String(r.prefix),
    createdBy: toNumberOrNull(r.created_by), createdAt: toDate(r.created_at), lastUsedAt: toDateOrNull(r.last_used_at), revokedAt: toDateOrNull(r.revoked_at),
  };
}

export async function insertToken(db: Db, t: { organizationId: number; name: string; prefix: string; tokenHash: string; createdBy: number; now: Date }): Promise<number> {
  const [row] = await db('api_tokens')
    .insert({ organization_id: t.organizationId, name: t.name, prefix: t.prefix, token_hash: t.tokenHash, created_by: t.createdBy, created_at: t.now })
    .returning('id');
  return toNumber(typeof row === 'object' && row !== null ? (row as { id: unknown }).id : row);
}

/** The organization's tokens, in use first, newest first. */
export async function listTokens(db: Db, organizationId: number): Promise<ApiTokenRow[]> {
  const rows = await db('api_tokens').where({ organization_id: organizationId })
    .orderByRaw('case when revoked_at is null then 0 else 1 end')
    .orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }])
    .select(COLUMNS);
  return rows.map(toRow);
}

/** The one read of an API request: the token its hash names, revoked or not. */
export async function findTokenByHash(db: Db, tokenHash: string): Promise<ApiTokenRow | null> {
  const r = await db('api_tokens').where({ token_hash: tokenHash }).first(COLUMNS);
  return r ? toRow(r) : null;
}

/** One token of this organization, revoked or not. */
export async function findToken(db: Db, organizationId: number, id: number): Promise<ApiTokenRow | null> {
  const r = await db('api_tokens').where({ id, organization_id: organizationId }).first(COLUMNS);
  return r ? toRow(r) : null;
}

/** Revokes a token of this organization; false when it has none such in use. */
export async function revokeToken(db: Db, organizationId: number, id: number, now: Date): Promise<boolean> {
  return (await db('api_tokens').where({ id, organization_id: organizationId }).whereNull('revoked_at').update({ revoked_at: now })) === 1;
}

/**
 * Records a use, unless one was recorded since `notBefore`: the condition is in the statement, so
 * several processes serving the same token at once write it once. True when this call wrote it.
 */
export async function touchToken(db: Db, id: number, now: Date, notBefore: Date): Promise<boolean> {
  const n = await db('api_tokens').where({ id })
    .where((q) => q.whereNull('last_used_at').orWhere('last_used_at', '<', notBefore))
    .update({ last_used_at: now });
  return n === 1;
}
