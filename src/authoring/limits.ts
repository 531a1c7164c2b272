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
};
export type AuthoringLimits = typeof AUTHORING_LIMITS;
