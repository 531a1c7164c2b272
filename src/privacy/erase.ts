// Erasing an account, in one transaction: the person's identity goes, what they learned stays as
// anonymous totals. The registry (registry.ts) says what happens to each column; this walks it, so
// a table added with its entry is erased by its rule without a change here. What the registry
// cannot say by column (who an email in someone else's outbox row is, which staff file names the
// person) is done by name below.
//
// - The `users` row stays, with placeholders: enrolments, completions, attempts and survey
//   pseudonyms keep pointing at it, so a course's completion count and item analysis do not change,
//   but nothing names the person. No password matches it, and it is deactivated.
// - Certificates stay verifiable as "withdrawn by the holder", with no name; no PDF is rendered.
// - audit_events is append-only (test/http/audit-log.test.ts): rows where the person acted keep
//   their `actor_label`, the accountability record of a privileged action (docs/privacy.md says
//   so). A learner takes no privileged action, so for most people nothing of theirs is there. The
//   erasure's own row names only the account id (its label is read after the erasure).
import type { Clock } from '../clock';
import type { Db } from '../db/knex';
import { conflict, notFound } from '../http/errors';
import { audit, type AuditOrigin } from '../audit/record';
import { PRIVACY_REGISTRY } from './registry';
import * as store from './store';

/** Who asked: the holder from their account page, or the retention job. */
export type ErasureCause = 'holder' | 'retention';

/** What replaces the person's name and email inside other people's email kept in the outbox. */
export const REDACTED = '[erased]';

// Tables whose rows are handled by name here, not by the generic walk.
const BY_NAME = new Set(['users', 'audit_events']);

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Every occurrence of the needles (any case), replaced. */
function redact(text: string, needles: string[]): string {
  let out = text;
  for (const n of needles) out = out.replace(new RegExp(escapeRegExp(n), 'gi'), REDACTED);
  return out;
}

/**
 * Applies the registry's column rules to the person's rows of every table: found by its holder
 * column (their user id), and by its email column (rows addressed to their email).
 */
async function walkRegistry(trx: Db, userId: number, email: string): Promise<void> {
  for (const [table, entry] of Object.entries(PRIVACY_REGISTRY)) {
    if (BY_NAME.has(table)) continue;
    const rules = Object.entries(entry.columns);
    const deletesRows = rules.some(([, c]) => c.erasure === 'delete-row');
    if (entry.emailColumn && deletesRows) await store.deleteAddressedTo(trx, table, entry.emailColumn, email);
    if (!entry.holder) continue;
    if (deletesRows) {
      await store.deleteRowsOf(trx, table, entry.holder, userId);
      continue;
    }
    const values: Record<string, unknown> = {};
    for (const [column, c] of rules) {
      if (c.erasure === 'null') values[column] = null;
      // An `erase` column is NOT NULL text (a name snapshot): emptied.
      if (c.erasure === 'erase') values[column] = '';
    }
    if (Object.keys(values).length) await store.updateRowsOf(trx, table, entry.holder, userId, values);
  }
}

export function createEraser({ db, clock }: { db: Db; clock: Clock }) {
  return {
    /**
     * Erases the account. The last active administrator is refused (`last_admin`, 409): the site
     * must keep one. Erasing an erased account changes nothing.
     */
    async erase(userId: number, cause: ErasureCause, origin?: AuditOrigin | null): Promise<void> {
      const now = clock.now();
      await db.transaction(async (trx) => {
        const user = await store.lockUser(trx, userId);
        if (!user) throw notFound();
        if (user.erased) return;
        if (user.role === 'admin' && !user.deactivated && !(await store.anotherActiveAdmin(trx, userId))) throw conflict('last_admin');

        // Every name the person went by (a corrected name lives on in superseded certificates), and
        // their email, as found in other people's outbox rows: plain and as written in HTML.
        const names = [...new Set([user.displayName, ...(await store.namesOf(trx, userId))])].filter((n) => n.trim().length >= 2);
        const needles = [...new Set([...names, user.email].flatMap((n) => [n, escapeHtml(n)]))].sort((a, b) => b.length - a.length);

        await store.withdrawCertificates(trx, userId, now);
        await walkRegistry(trx, userId, user.email);
        await store.deleteImportsNaming(trx, user.email);
        for (const m of await store.outboxMentioning(trx, needles)) {
          await store.updateOutboxText(trx, {
            id: m.id, subject: redact(m.subject, needles), textBody: redact(m.textBody, needles), htmlBody: m.htmlBody === null ? null : redact(m.htmlBody, needles),
          });
        }
        await store.deleteRateLimitsOf(trx, user.email);
        await store.deletePendingRegistrationsTo(trx, user.email);
        await store.eraseUserRow(trx, userId, now);
        // The actor is the account itself (or no one, for the retention job), read after the
        // erasure: its label is the placeholder, so the log keeps the id and nothing more. Nor the
        // address the request came from: it would tie the erased account to a place.
        await audit.record(trx, {
          actor: cause === 'holder' ? userId : null, action: 'account.erased', target: { type: 'user', id: userId },
          details: { cause }, origin: { clientAddress: null, requestId: origin?.requestId ?? null }, at: now,
        });
      });
    },
  };
}

export type Eraser = ReturnType<typeof createEraser>;
