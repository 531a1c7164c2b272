// The second factor's rules: enrolment (a secret made here, switched on only by a code from it),
// checking a code at sign-in (each time step used once) or a recovery code (each used once),
// turning it off, new recovery codes, and an administrator's reset. Every change and its audit row
// are written in one transaction. Plain values in and out; no req/res.
import type { Clock } from '../clock';
import type { Db } from '../db/knex';
import type { SessionUser } from './types';
import { audit, type AuditOrigin } from '../audit/record';
import { createSecretBox } from './secret-box';
import { matchingStep, newSecret, otpauthUri } from './totp';
import { findRecoveryCode, hashRecoveryCode, looksLikeRecoveryCode, newRecoveryCode, RECOVERY_CODE_COUNT } from './recovery-codes';
import * as store from './second-factor-store';

export interface SecondFactorStatus {
  enabledAt: Date | null;
  recoveryCodesLeft: number;
}

/** How a sign-in's second step was passed, or null when the code was wrong or used already. */
export type SecondStepResult = { via: 'totp' } | { via: 'recovery'; left: number } | null;

const actorOf = (u: SessionUser) => ({ id: u.id, displayName: u.displayName, email: u.email });

export function createSecondFactorService({ db, clock, sessionSecret, previousSessionSecrets = [], issuer }: {
  db: Db; clock: Clock; sessionSecret: string; previousSessionSecrets?: readonly string[]; issuer: string;
}) {
  const box = createSecretBox(sessionSecret, previousSessionSecrets);

  /** A secret still sealed under a previous SESSION_SECRET is sealed again under the current one. */
  async function resealIfStale(trx: Db, userId: number, sealed: string): Promise<void> {
    const fresh = box.resealed(userId, sealed);
    if (fresh !== null) await store.resealSecret(trx, userId, fresh);
  }

  function newRecoveryCodes(): { codes: string[]; hashes: string[] } {
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
    return { codes, hashes: codes.map(hashRecoveryCode) };
  }

  /** The step of a right, unused TOTP code for the factor (recorded as used), else null. */
  async function useTotp(trx: Db, userId: number, factor: store.FactorRow, typed: string): Promise<number | null> {
    const secret = box.open(userId, factor.secretEncrypted);
    const step = secret === null ? null : matchingStep(secret, typed, clock.now());
    if (step === null) return null;
    if (!(await store.useStep(trx, userId, step))) return null;
    await resealIfStale(trx, userId, factor.secretEncrypted);
    return step;
  }

  return {
    async isEnabled(userId: number): Promise<boolean> {
      return (await store.enabledAt(db, userId)) !== null;
    },

    async status(userId: number): Promise<SecondFactorStatus> {
      const at = await store.enabledAt(db, userId);
      return { enabledAt: at === null ? null : new Date(at), recoveryCodesLeft: at === null ? 0 : (await store.unusedRecoveryCodes(db, userId)).length };
    },

    /**
     * The pending secret to show on the enrolment page (made now if there is none), as text for
     * typing in and as the otpauth:// address for the QR code; null when the factor is on already.
     */
    async pendingEnrolment(user: SessionUser): Promise<{ secret: string; uri: string } | null> {
      return db.transaction(async (trx) => {
        const factor = await store.findFactor(trx, user.id);
        if (factor?.enabledAt != null) return null;
        let secret = factor ? box.open(user.id, factor.secretEncrypted) : null;
        if (secret === null) {
          secret = newSecret();
          await store.savePending(trx, user.id, box.seal(user.id, secret), clock.now().getTime());
        }
        return { secret, uri: otpauthUri(secret, issuer, user.email) };
      });
    },

    /**
     * Switches the pending factor on when the code is right, and returns the ten recovery codes
     * (shown once, stored hashed); null when the code is wrong or nothing is pending.
     */
    async confirmEnrolment(user: SessionUser, typed: string, origin: AuditOrigin | null): Promise<string[] | null> {
      return db.transaction(async (trx) => {
        const factor = await store.findFactor(trx, user.id);
        if (!factor || factor.enabledAt !== null) return null;
        const secret = box.open(user.id, factor.secretEncrypted);
        const step = secret === null ? null : matchingStep(secret, typed, clock.now());
        if (step === null || !(await store.enable(trx, user.id, clock.now().getTime(), step))) return null;
        await resealIfStale(trx, user.id, factor.secretEncrypted);
        const { codes, hashes } = newRecoveryCodes();
        await store.replaceRecoveryCodes(trx, user.id, hashes);
        await audit.record(trx, { actor: actorOf(user), action: 'second_factor.enrolled', target: { type: 'user', id: user.id }, origin, at: clock.now() });
        return codes;
      });
    },

    /**
     * The second step of a sign-in: a TOTP code (refused when its time step was used already) or
     * an unused recovery code (spent, and audited). null when neither.
     */
    async verify(userId: number, typed: string, origin: AuditOrigin | null): Promise<SecondStepResult> {
      return db.transaction(async (trx) => {
        const factor = await store.findFactor(trx, userId);
        if (!factor || factor.enabledAt === null) return null;
        if (!looksLikeRecoveryCode(typed)) return (await useTotp(trx, userId, factor, typed)) === null ? null : { via: 'totp' as const };
        const unused = await store.unusedRecoveryCodes(trx, userId);
        const match = findRecoveryCode(typed, unused);
        if (!match || !(await store.spendRecoveryCode(trx, match.id, clock.now().getTime()))) return null;
        const left = unused.length - 1;
        await audit.record(trx, { actor: userId, action: 'second_factor.recovery_code_used', target: { type: 'user', id: userId }, details: { left }, origin, at: clock.now() });
        return { via: 'recovery' as const, left };
      });
    },

    /**
     * Turns the factor off, proved by a current code (`code`) or the password (`passwordOk`,
     * checked by the caller through the account service). false when neither proves it.
     */
    async disable(user: SessionUser, proof: { code: string } | { passwordOk: boolean }, origin: AuditOrigin | null): Promise<boolean> {
      return db.transaction(async (trx) => {
        const factor = await store.findFactor(trx, user.id);
        if (!factor || factor.enabledAt === null) return false;
        const ok = 'code' in proof ? (await useTotp(trx, user.id, factor, proof.code)) !== null : proof.passwordOk;
        if (!ok) return false;
        await store.removeFactor(trx, user.id);
        await audit.record(trx, { actor: actorOf(user), action: 'second_factor.disabled', target: { type: 'user', id: user.id }, origin, at: clock.now() });
        return true;
      });
    },

    /** New recovery codes in place of the old ones, proved by a current code; null when it is wrong. */
    async regenerateRecoveryCodes(user: SessionUser, typed: string, origin: AuditOrigin | null): Promise<string[] | null> {
      return db.transaction(async (trx) => {
        const factor = await store.findFactor(trx, user.id);
        if (!factor || factor.enabledAt === null || (await useTotp(trx, user.id, factor, typed)) === null) return null;
        const { codes, hashes } = newRecoveryCodes();
        await store.replaceRecoveryCodes(trx, user.id, hashes);
        await audit.record(trx, { actor: actorOf(user), action: 'second_factor.recovery_codes_renewed', target: { type: 'user', id: user.id }, origin, at: clock.now() });
        return codes;
      });
    },

    /**
     * An administrator removes another user's second factor (they lost their phone and their
     * codes) and ends that user's sessions; they enrol again at their next sign-in (administrators
     * must). Audited only when there was a factor to remove.
     */
    async resetByAdmin(actor: SessionUser, userId: number, origin: AuditOrigin | null): Promise<boolean> {
      return db.transaction(async (trx) => {
        if (!(await store.removeFactor(trx, userId))) return false;
        await store.endSessions(trx, userId);
        await audit.record(trx, { actor: actorOf(actor), action: 'second_factor.reset', target: { type: 'user', id: userId }, origin, at: clock.now() });
        return true;
      });
    },
  };
}

export type SecondFactorService = ReturnType<typeof createSecondFactorService>;
