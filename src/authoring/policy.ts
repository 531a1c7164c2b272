// Who may do what in the authoring area, as small readable rules. Courses belong to no
// organization yet, so there is no tenant check here: when they do, it comes first in each rule.
import type { SessionUser } from '../accounts/types';
import { HttpError } from '../http/errors';
import type { CourseSource } from './authoring-store';

/** Roles that write courses. The route guard is `hasRole(...AUTHOR_ROLES)`. */
export const AUTHOR_ROLES = ['trainer', 'admin'] as const;

/** Changing a course kept in the curriculum folder: its owner is the folder, not the browser. */
export class FolderCourseError extends HttpError {
  constructor(public readonly slug: string) {
    super(409, 'folder_course', `course ${slug} is kept in the curriculum folder`);
  }
}

export interface CourseActions {
  preview: boolean;
  history: boolean;
  download: boolean;
  /** Edit the draft's files, modules and media. */
  edit: boolean;
  publish: boolean;
  /** Why editing is not offered, for the page to say so. */
  readOnlyReason: 'folder' | null;
}

export function courseActions(user: SessionUser, course: { source: CourseSource }): CourseActions {
  const author = (AUTHOR_ROLES as readonly string[]).includes(user.role);
  const browser = course.source === 'browser';
  return {
    preview: author,
    history: author,
    download: author,
    edit: author && browser,
    publish: author && browser,
    readOnlyReason: browser ? null : 'folder',
  };
}
