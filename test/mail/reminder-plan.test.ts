// Which reminders are due, from requirements and the time alone.
import { isoWeek, learnerReminders, organizationFigures } from '../../src/reminders/plan';
import type { Requirement } from '../../src/organizations/requirements';

const now = new Date('2026-11-25T12:00:00Z');
const DAY = 24 * 60 * 60 * 1000;
const req = (o: Partial<Requirement>): Requirement => ({
  userId: 1, courseId: 2, status: 'not_started', dueAt: new Date(now.getTime() + 3 * DAY), percent: 0, completedAt: null,
  expiresAt: null, renews: false, assignmentIds: [1], ...o,
});

test('ISO weeks, across the turn of a year', () => {
  expect(isoWeek(new Date('2026-11-25T00:00:00Z'))).toBe('2026-W48');
  expect(isoWeek(new Date('2027-01-01T00:00:00Z'))).toBe('2026-W53');
  expect(isoWeek(new Date('2024-12-30T00:00:00Z'))).toBe('2025-W01');
});

test('due soon within a week, once per due date; overdue once per week; nothing for what is done or far off', () => {
  const soon = learnerReminders([req({})], now);
  expect(soon).toEqual([expect.objectContaining({ kind: 'due_soon', dedupeKey: 'reminder:due-soon:1:2:2026-11-28' })]);
  expect(learnerReminders([req({ dueAt: new Date(now.getTime() + 8 * DAY) })], now)).toEqual([]);
  expect(learnerReminders([req({ status: 'completed', dueAt: null })], now)).toEqual([]);
  const late = req({ status: 'overdue', dueAt: new Date(now.getTime() - DAY) });
  const thisWeek = learnerReminders([late], now)[0].dedupeKey;
  expect(learnerReminders([late], new Date(now.getTime() + DAY))[0].dedupeKey).toBe(thisWeek);
  expect(learnerReminders([late], new Date(now.getTime() + 7 * DAY))[0].dedupeKey).not.toBe(thisWeek);
  expect(learnerReminders([req({ status: 'expired', renews: true, dueAt: new Date(now.getTime() - DAY) })], now)[0].kind).toBe('overdue');
  expect(learnerReminders([req({ status: 'expiring_soon', renews: true, dueAt: new Date(now.getTime() + 2 * DAY) })], now)[0].kind).toBe('due_soon');
});

test('the figures a manager reads', () => {
  const figures = organizationFigures([
    req({ status: 'completed', dueAt: null }), req({ status: 'overdue', dueAt: new Date(now.getTime() - DAY) }),
    req({ status: 'in_progress' }), req({ status: 'not_started', dueAt: new Date(now.getTime() + 30 * DAY) }),
  ], 3, now);
  expect(figures).toEqual({ people: 3, required: 4, completed: 1, overdue: 1, dueSoon: 1 });
});
