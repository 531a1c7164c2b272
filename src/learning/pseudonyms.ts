// The pseudonym a learner's survey answers and course evaluation are filed under: an HMAC of the
// learner, the course and the round, keyed by a secret kept in the database (made on first use, so
// every app process agrees). The same learner gets the same pseudonym before and after the course,
// so their answers pair up; the rows carry no user id, and without the secret nobody can tell whose
// they are. A report of an organization's staff computes its members' pseudonyms to find theirs.
import crypto from 'node:crypto';
import type { Db } from '../db/knex';
import { pseudonymSecret } from './assessment-store';

export function pseudonymOf(secret: string, userId: number, courseId: number, round: number): string {
  return crypto.createHmac('sha256', secret).update(`survey:${userId}:${courseId}:${round}`).digest('hex').slice(0, 32);
}

export function createPseudonyms(db: Db) {
  let secret: Promise<string> | null = null;
  const load = (): Promise<string> => {
    secret ??= pseudonymSecret(db, crypto.randomBytes(32).toString('hex')).catch((err: unknown) => {
      secret = null; // a failed read is tried again next time
      throw err;
    });
    return secret;
  };
  return {
    async of(userId: number, courseId: number, round: number): Promise<string> {
      return pseudonymOf(await load(), userId, courseId, round);
    },
    /** Every pseudonym these learners have had in the course: one per round up to their current one. */
    async allOf(courseId: number, rounds: Map<number, number>): Promise<Map<string, number>> {
      const key = await load();
      const out = new Map<string, number>();
      for (const [userId, round] of rounds) for (let r = 0; r <= round; r++) out.set(pseudonymOf(key, userId, courseId, r), userId);
      return out;
    },
  };
}

export type Pseudonyms = ReturnType<typeof createPseudonyms>;
