// Reporting API tokens: made by an organization's managers, shown once in full, kept only as their
// SHA-256, recognised by a visible prefix, revocable. A request's token is checked with one read;
// its last use is written at most once a minute, so a busy sync costs no write per request.
import crypto from 'node:crypto';
import type { Db } from '../db/knex';
import type { Clock } from '../clock';
import { notFound } from '../http/errors';
import type { TokenFailure, TokenPrincipal } from '../http/guards';
import * as store from './token-store';
import { audit, type AuditOrigin } from '../audit/record';
import { sha256Hex } from '../hash';

/** Every token starts so, so a leaked one is recognisable (by people and by secret scanners). */
export const TOKEN_START = 'bwk_';
/** 32 random bytes: 43 base64url characters after the start. */
const TOKEN_SHAPE = /^bwk_[A-Za-z0-9_-]{43}$/;
/** The clear part kept and shown: the start and 8 characters, enough to tell tokens apart. */
const PREFIX_LENGTH = TOKEN_START.length + 8;
/** A token's last use is written again only once this has passed. */
export const LAST_USED_RESOLUTION_MS = 60 * 1000;

export const TOKEN_NAME_MAX = 100;

export const hashApiToken = sha256Hex;

export function isApiTokenShaped(value: string): boolean {
  return TOKEN_SHAPE.test(value);
}

export interface ApiTokenView {
  id: number;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export type Authentication = { ok: true; principal: TokenPrincipal } | { ok: false; failure: TokenFailure };

export function createApiTokenService({ db, clock }: { db: Db; clock: Clock }) {
  return {
    /** Makes a token; the returned `token` is the only time it exists outside the caller. */
    async create(organizationId: number, name: string, createdBy: number, origin?: AuditOrigin): Promise<{ id: number; token: string; prefix: string }> {
      const token = TOKEN_START + crypto.randomBytes(32).toString('base64url');
      const prefix = token.slice(0, PREFIX_LENGTH);
      const id = await db.transaction(async (trx) => {
        const made = await store.insertToken(trx, { organizationId, name, prefix, tokenHash: hashApiToken(token), createdBy, now: clock.now() });
        await audit.record(trx, { actor: createdBy, action: 'api_token.created', target: { type: 'api_token', id: made }, details: { organizationId, prefix }, origin, at: clock.now() });
        return made;
      });
      return { id, token, prefix };
    },

    async list(organizationId: number): Promise<ApiTokenView[]> {
      return (await store.listTokens(db, organizationId)).map(({ id, name, prefix, createdAt, lastUsedAt, revokedAt }) => ({ id, name, prefix, createdAt, lastUsedAt, revokedAt }));
    },

    /** Revokes one of the organization's tokens (again is harmless); another organization's token is not found. */
    async revoke(organizationId: number, id: number, by: number | null = null, origin?: AuditOrigin): Promise<void> {
      const revoked = await db.transaction(async (trx) => {
        const done = await store.revokeToken(trx, organizationId, id, clock.now());
        if (done) await audit.record(trx, { actor: by, action: 'api_token.revoked', target: { type: 'api_token', id }, details: { organizationId }, origin, at: clock.now() });
        return done;
      });
      if (revoked) return;
      if (!(await store.findToken(db, organizationId, id))) throw notFound();
    },

    /** The principal of a bearer token, or why there is none. Anything not token-shaped is never looked up. */
    async authenticate(token: string, origin?: AuditOrigin): Promise<Authentication> {
      if (!isApiTokenShaped(token)) return { ok: false, failure: 'malformed' };
      const row = await store.findTokenByHash(db, hashApiToken(token));
      if (!row) return { ok: false, failure: 'unknown' };
      if (row.revokedAt) return { ok: false, failure: 'revoked' };
      const now = clock.now();
      const notBefore = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
      // A use is logged when it is recorded: at most once a minute per token, whichever process serves it.
      if (!row.lastUsedAt || row.lastUsedAt < notBefore) {
        await db.transaction(async (trx) => {
          if (await store.touchToken(trx, row.id, now, notBefore)) await audit.record(trx, { actor: null, action: 'api_token.used', target: { type: 'api_token', id: row.id }, details: { organizationId: row.organizationId }, origin, at: now });
        });
      }
      return { ok: true, principal: { tokenId: row.id, organizationId: row.organizationId } };
    },
  };
}

export type ApiTokenService = ReturnType<typeof createApiTokenService>;
