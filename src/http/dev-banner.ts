// Development mode only (`npm run dev`): while the curriculum folder has problems, signed-in
// users who hold `curriculum:problems` (trainers, administrators) see them in a banner at the top of every page. The layout renders
// `curriculumBanner` when this middleware sets it; learners and visitors never see it.
import type { Problem } from '../curriculum/types';
import type { RequestHandler } from 'express';
import type { CurriculumService } from '../curriculum/service';
import { ROOT_DIR } from '../paths';
import { relativeProblem } from '../curriculum/parse';
import { holds } from '../access/holds';

/** Problems listed in the banner itself; the rest are counted, and all are on /admin. */
const SHOWN = 10;

export interface CurriculumBanner {
  errors: number;
  warnings: number;
  problems: Problem[];
  more: number;
  /** Whether the reader may open /admin, where every problem is listed. */
  adminLink: boolean;
}

export function curriculumProblemsBanner(curriculum: CurriculumService): RequestHandler {
  return (req, res, next) => {
    if (!holds(req.user, 'curriculum:problems')) return next();
    const all = curriculum.problems();
    if (all.length === 0) return next();
    const errors = all.filter((p) => p.severity === 'error');
    const warnings = all.filter((p) => p.severity !== 'error');
    const banner: CurriculumBanner = {
      errors: errors.length,
      warnings: warnings.length,
      problems: [...errors, ...warnings].slice(0, SHOWN).map((p) => relativeProblem(p, ROOT_DIR)),
      more: Math.max(0, all.length - SHOWN),
      adminLink: holds(req.user, 'site:administer'),
    };
    res.locals.curriculumBanner = banner;
    next();
  };
}
