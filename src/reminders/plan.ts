// Which reminders are due, as a pure function of the requirements and the time: tested with plain
// values. Each reminder carries a dedupe key that makes sending it again a no-op, so the job may
// run as often as it likes (and several processes may try) without anyone getting a copy.
//
// - Due soon: once, when a required course is due within DUE_SOON_DAYS and not done.
// - Overdue (or expired, for a renewing course): once a week while it stays late.
// - Managers: one summary a week (ISO week), when their organization requires anything.
import type { Requirement } from '../organizations/requirements';

export const DUE_SOON_DAYS = 7;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface LearnerReminder {
  kind: 'due_soon' | 'overdue';
  userId: number;
  courseId: number;
  dueAt: Date;
  dedupeKey: string;
}

/** The ISO 8601 week of a date (UTC), as "2026-W48": the week a summary or a repeat belongs to. */
export function isoWeek(date: Date): string {
  const d = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const day = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - day); // the Thursday of this week decides its year
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((d.getTime() - yearStart) / DAY_MS + 1) / 7);
  return `${d.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

const day = (d: Date) => d.toISOString().slice(0, 10);

export function learnerReminders(requirements: Requirement[], now: Date): LearnerReminder[] {
  const out: LearnerReminder[] = [];
  for (const r of requirements) {
    if (!r.dueAt) continue;
    const base = `${r.userId}:${r.courseId}:${day(r.dueAt)}`;
    if (r.status === 'overdue' || r.status === 'expired') {
      out.push({ kind: 'overdue', userId: r.userId, courseId: r.courseId, dueAt: r.dueAt, dedupeKey: `reminder:overdue:${base}:${isoWeek(now)}` });
    } else if (r.status !== 'completed' && r.dueAt.getTime() - now.getTime() <= DUE_SOON_DAYS * DAY_MS) {
      // Not started, in progress, or a certificate expiring soon: one reminder for this due date.
      out.push({ kind: 'due_soon', userId: r.userId, courseId: r.courseId, dueAt: r.dueAt, dedupeKey: `reminder:due-soon:${base}` });
    }
  }
  return out;
}

export interface OrganizationFigures {
  people: number;
  required: number;
  completed: number;
  overdue: number;
  dueSoon: number;
}

export function organizationFigures(requirements: Requirement[], people: number, now: Date): OrganizationFigures {
  const late = (r: Requirement) => r.status === 'overdue' || r.status === 'expired';
  const soon = (r: Requirement) => !late(r) && r.status !== 'completed' && r.dueAt !== null && r.dueAt.getTime() - now.getTime() <= DUE_SOON_DAYS * DAY_MS;
  return {
    people,
    required: requirements.length,
    completed: requirements.filter((r) => r.status === 'completed' || r.status === 'expiring_soon').length,
    overdue: requirements.filter(late).length,
    dueSoon: requirements.filter(soon).length,
  };
}

export function summaryKey(organizationId: number, managerId: number, now: Date): string {
  return `reminder:summary:${organizationId}:${managerId}:${isoWeek(now)}`;
}
