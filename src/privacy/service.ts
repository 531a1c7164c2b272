// A person's own data: what the download holds, erasing the account, the retention job. Plain
// values in and out; the work is in export.ts, erase.ts and retention.ts.
import type { Clock } from '../clock';
import type { Db } from '../db/knex';
import type { AuditOrigin } from '../audit/record';
import type { AssessmentRecords } from '../learning/records';
import { createExporter, type PersonalExport } from './export';
import { createEraser } from './erase';
import { createRetentionJob } from './retention';
import * as store from './store';

export function createPrivacyService({ db, clock, records, retentionInactiveDays }: {
  db: Db; clock: Clock; records?: Pick<AssessmentRecords, 'respondentsOf' | 'surveyResponses' | 'evaluations'>; retentionInactiveDays?: number | null;
}) {
  const exporter = createExporter({ db, records });
  const eraser = createEraser({ db, clock });
  const retention = createRetentionJob({ db, clock, eraser, inactiveDays: retentionInactiveDays });
  return {
    exportFor(userId: number): Promise<PersonalExport> {
      return exporter.collect(userId, clock.now());
    },

    /** Whether this user is the site's last active administrator (who may not erase their account). */
    async isLastActiveAdmin(user: { id: number; role: string }): Promise<boolean> {
      return user.role === 'admin' && !(await store.anotherActiveAdmin(db, user.id));
    },

    /** Erases the holder's own account (the password was checked by the caller). */
    eraseOwnAccount(userId: number, origin?: AuditOrigin): Promise<void> {
      return eraser.erase(userId, 'holder', origin);
    },

    retention,
  };
}

export type PrivacyService = ReturnType<typeof createPrivacyService>;
