// The names the course format allows, defined once: the parser checks folders and files with them,
// and the authoring area makes names (new courses, modules, uploaded media) that the parser accepts.

/** Lowercase ASCII words joined by single hyphens. */
const WORDS = '[a-z0-9]+(?:-[a-z0-9]+)*';

/** A course slug (its folder name), a module key, a block id: `first-aid`, `step-2`. */
export const SLUG = new RegExp(`^${WORDS}$`);

/** The longest slug the authoring area lets a trainer choose (it goes in every address of the course). */
export const MAX_SLUG_LENGTH = 60;

/** A module file, `NN-key.md`: [1] is the two-digit number, [2] the module key. */
export const MODULE_FILE = new RegExp(`^(\\d{2})-(${WORDS})\\.md$`);

/** A file name in a course's media/ folder: letters, digits, dots, hyphens, underscores. */
export const MEDIA_NAME = /^[A-Za-z0-9._-]+$/;
