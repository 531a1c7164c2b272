// Trainer authoring: courses made and edited in the browser, kept as drafts in the database and
// published as immutable versions through the curriculum service, exactly as folder courses are.
//
// A draft is a set of files (path → content hash), the same files a course folder holds, so the
// one parser (`parseCourseFiles`) checks, previews and publishes it, and a draft or any published
// version downloads as the zip of its folder. Folder courses are read-only here: only their owner,
// the curriculum folder, may change them; the folder sync, in turn, never touches a browser course.
//
// The service is assembled from one file per job: drafts.ts (courses, the editor), modules.ts,
// media.ts, versions.ts (publish, history, preview) and zip-transfer.ts, over context.ts.
import type { Db } from '../db/knex';
import type { Clock } from '../clock';
import type { CurriculumService } from '../curriculum/service';
import { AUTHORING_LIMITS, type AuthoringLimits } from './limits';
import { createAuthoringContext } from './context';
import { draftOperations } from './drafts';
import { moduleOperations } from './modules';
import { mediaOperations } from './media';
import { versionOperations } from './versions';
import { historyOperations } from './history';
import { zipOperations } from './zip-transfer';

export { AUTHORING_LIMITS, type AuthoringLimits } from './limits';
export type { Owner, ShownProblem } from './context';
export type { DraftModule } from './drafts';
export type { Changes } from './diff';

export function createAuthoringService(deps: { db: Db; clock: Clock; curriculum: CurriculumService; curriculumDir: string; limits?: Partial<AuthoringLimits> }) {
  const limits: AuthoringLimits = { ...AUTHORING_LIMITS, ...deps.limits };
  const ctx = createAuthoringContext({ db: deps.db, clock: deps.clock, curriculum: deps.curriculum, curriculumDir: deps.curriculumDir, limits });
  return {
    limits,
    /** The course at this address (404 when none), for the routes to ask the policy about. */
    course: ctx.loadCourse,
    ...draftOperations(ctx),
    ...moduleOperations(ctx),
    ...mediaOperations(ctx),
    ...versionOperations(ctx),
    ...zipOperations(ctx),
    ...historyOperations(ctx),
  };
}

export type AuthoringService = ReturnType<typeof createAuthoringService>;
