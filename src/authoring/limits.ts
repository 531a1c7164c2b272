// How much the authoring area accepts. Tests pass smaller limits to createAuthoringService.
import { MAX_MEDIA_BYTES } from '../curriculum/parse';

export const AUTHORING_LIMITS = {
  /** One media file (the course format's own limit). */
  maxMediaBytes: MAX_MEDIA_BYTES,
  /** One Markdown file: a long module is 30 KB. */
  maxMarkdownBytes: 256 * 1024,
  /** An uploaded course zip. */
  maxZipBytes: 100 * 1024 * 1024,
  /** Entries in a course zip, folders included. */
  maxZipEntries: 500,
  /** All files of a zip together, uncompressed, as declared before inflating. */
  maxZipTotalBytes: 150 * 1024 * 1024,
  /** Media files in one course. */
  maxMediaFiles: 200,
  /** Modules in one course: the NN- prefix has two digits. */
  maxModules: 99,
  /**
   * Stored bytes of one course: its draft and every published version, a file kept by several
   * counted once. Room for a few versions of a course with long videos.
   */
  maxCourseBytes: 500 * 1024 * 1024,
  /** Stored bytes of all the courses one trainer made, counted as for one course. */
  maxTrainerBytes: 2 * 1024 * 1024 * 1024,
};
export type AuthoringLimits = typeof AUTHORING_LIMITS;
