// Storage quotas: how many bytes one course, and all the courses one trainer made, may keep in the
// blob store. Without them a small zip that inflates well (a 128 KB zip of zeros) grows the
// database by tens of megabytes, again for every course. Counted from stored blob sizes, each
// blob once per course (an unchanged image in ten versions is stored, and counted, once).
import type { Db } from '../db/knex';
import type { CurriculumService } from '../curriculum/service';
import { sha256Of } from '../curriculum/service';
import type { CourseFiles } from '../curriculum/parse';
import { HttpError } from '../http/errors';
import { megabytes } from './zip';
import * as store from './store';
import type { AuthoringLimits } from './limits';

export class QuotaError extends HttpError {
  constructor(key: 'course' | 'trainer', max: number) {
    super(413, 'too_large', { key: `author.quota.${key}`, params: { max: megabytes(max) } });
  }
}

export function storageQuota({ db, curriculum, limits }: { db: Db; curriculum: CurriculumService; limits: AuthoringLimits }) {
  return {
    /**
     * Refuses (QuotaError) writing `files` to the course (null: a course not made yet) when the
     * course, or its maker's courses together, would then hold more than their quota. Files the
     * write replaces are still counted, so the check errs on the side of room: a whole draft
     * replaced near the quota may need its size again for a moment.
     */
    async checkRoom(courseId: number | null, makerId: number, files: CourseFiles): Promise<void> {
      const theirs = new Set(await store.coursesCreatedBy(db, makerId));
      if (courseId !== null) theirs.add(courseId);
      const held = await curriculum.heldBlobs([...theirs]);
      const inCourse = new Set(held.filter((b) => b.courseId === courseId).map((b) => b.sha256));
      const added = new Map<string, number>();
      for (const bytes of files.values()) {
        const sha = sha256Of(bytes);
        if (!inCourse.has(sha)) added.set(sha, bytes.length);
      }
      const more = [...added.values()].reduce((a, b) => a + b, 0);
      if (!more) return;
      const course = held.filter((b) => b.courseId === courseId).reduce((a, b) => a + b.size, 0) + more;
      if (course > limits.maxCourseBytes) throw new QuotaError('course', limits.maxCourseBytes);
      const maker = held.reduce((a, b) => a + b.size, 0) + more;
      if (maker > limits.maxTrainerBytes) throw new QuotaError('trainer', limits.maxTrainerBytes);
    },
  };
}
