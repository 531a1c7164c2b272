// The reminder job: for every organization that requires training, queue the reminders that are
// due (see plan.ts) in one transaction per organization, through the email outbox. It does not
// send: the mail worker does, with retries. Dedupe keys make a second run, or a second process,
// queue nothing new. Runs only while email is configured; learners who turned reminders off, and
// accounts not yet claimed (they have their invitation link instead), get none.
import type { Logger } from 'pino';
import type { TFunction } from 'i18next';
import type { Db } from '../db/knex';
import type { Clock } from '../clock';
import type { AccountService } from '../accounts/service';
import type { OrganizationService } from '../organizations/service';
import type { MailService } from '../mail/service';
import type { Member } from '../organizations/types';
import { learnerReminders, organizationFigures, summaryKey, type LearnerReminder } from './plan';

export interface ReminderJobDeps {
  db: Db;
  clock: Clock;
  accounts: AccountService;
  organizations: OrganizationService;
  mail: MailService;
  baseUrl: string;
  /** The reminders' words (English catalogs today; by the recipient's language when there are more). */
  t: TFunction;
  logger: Pick<Logger, 'info' | 'warn'>;
}

export function createReminderJob({ db, clock, accounts, organizations, mail, baseUrl, t, logger }: ReminderJobDeps) {
  const dateFormat = new Intl.DateTimeFormat('en', { dateStyle: 'long', timeZone: 'UTC' });

  function learnerEmail(r: LearnerReminder, person: Member, course: { slug: string; title: string }) {
    const values = { name: person.displayName, course: course.title, date: dateFormat.format(r.dueAt), link: `${baseUrl}/courses/${encodeURIComponent(course.slug)}`, settings: `${baseUrl}/account` };
    return {
      kind: `reminder_${r.kind}`, to: person.email, dedupeKey: r.dedupeKey,
      subject: t(`reminders.${r.kind}.subject`, values),
      text: t(`reminders.${r.kind}.text`, values),
    };
  }

  return {
    /** Queues what is due now; returns how many emails were newly queued. */
    async runOnce(): Promise<{ queued: number }> {
      if (!mail.enabled) return { queued: 0 };
      const now = clock.now();
      let queued = 0;
      for (const org of await organizations.list()) {
        const { requirements, courses } = await organizations.requirements.forOrganization(org.id);
        if (!requirements.length) continue;
        const people = new Map((await organizations.members(org.id)).map((m) => [m.userId, m]));
        const reminders = learnerReminders(requirements, now).filter((r) => people.get(r.userId)?.claimed);
        const managers = [...people.values()].filter((m) => m.role === 'manager' && m.claimed);
        const wanting = await accounts.usersWantingReminders([...new Set([...reminders.map((r) => r.userId), ...managers.map((m) => m.userId)])]);
        const figures = organizationFigures(requirements, people.size, now);
        await db.transaction(async (trx) => {
          for (const r of reminders) {
            const course = courses.get(r.courseId);
            if (!course || !wanting.has(r.userId)) continue;
            if (await mail.enqueue(trx, learnerEmail(r, people.get(r.userId)!, course))) queued++;
          }
          for (const m of managers) {
            if (!wanting.has(m.userId)) continue;
            const values = { name: m.displayName, organization: org.name, ...figures, link: `${baseUrl}/organization`, settings: `${baseUrl}/account` };
            const added = await mail.enqueue(trx, {
              kind: 'reminder_summary', to: m.email, dedupeKey: summaryKey(org.id, m.userId, now),
              subject: t('reminders.summary.subject', values), text: t('reminders.summary.text', values),
            });
            if (added) queued++;
          }
        });
      }
      if (queued) logger.info({ queued }, 'reminders queued');
      return { queued };
    },
  };
}

export type ReminderJob = ReturnType<typeof createReminderJob>;
