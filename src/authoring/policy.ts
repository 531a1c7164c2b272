// Who may do what to a course in the authoring area, as small readable rules. This is the one
// place that decides "folder courses are read-only in the browser", with the one error
// `folder_course`. Courses belong to no organization yet, so there is no tenant check here: when
// they do, it comes first in each rule.
import type { SessionUser } from '../accounts/types';
import { holds } from '../access/holds';
import { allow, deny, type Decision } from '../access/policy';
import type { CourseSource } from '../curriculum/service';

export type CourseAction = 'view' | 'preview' | 'history' | 'download' | 'edit' | 'publish';

/** `source` null: no course has this address yet (a new course or a zip upload may make one). */
export function canCourse(user: SessionUser, action: CourseAction, course: { source: CourseSource | null }): Decision {
  if (action === 'publish') {
    if (!holds(user, 'course:publish')) return deny();
  } else if (!holds(user, 'course:author')) {
    return deny();
  }
  const changes = action === 'edit' || action === 'publish';
  // The folder owns its courses: a change made here would be overwritten by the next sync.
  if (changes && course.source === 'folder') return deny('folder_course', 409);
  return allow;
}

/** What the course page offers: views show buttons from this, never from roles or sources. */
export interface CourseActions {
  preview: boolean;
  history: boolean;
  download: boolean;
  /** Edit the draft's files, modules and media. */
  edit: boolean;
  publish: boolean;
}

export function courseActions(user: SessionUser, course: { source: CourseSource }): CourseActions {
  const may = (action: CourseAction) => canCourse(user, action, course).allowed;
  return { preview: may('preview'), history: may('history'), download: may('download'), edit: may('edit'), publish: may('publish') };
}
