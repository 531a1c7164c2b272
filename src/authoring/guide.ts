// The course-writing guide in the browser: curriculum/README.md, the one description of the course
// format, rendered by the course renderer. Read once per process (it ships with the code).
import fs from 'node:fs';
import path from 'node:path';
import { ROOT_DIR } from '../paths';
import { renderGuide } from '../curriculum/render';

export const GUIDE_FILE = path.join(ROOT_DIR, 'curriculum', 'README.md');

let cached: ReturnType<typeof renderGuide> | null = null;

/** The guide's HTML and its contents (level-2 and level-3 headings with their ids). */
export function courseGuide(): ReturnType<typeof renderGuide> {
  if (!cached) cached = renderGuide(fs.readFileSync(GUIDE_FILE, 'utf8'));
  return cached;
}
