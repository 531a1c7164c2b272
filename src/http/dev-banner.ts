// Development mode only (`npm run dev`): while the curriculum folder has problems, signed-in
// administrators and trainers see them in a banner at the top of every page. The layout renders
// `curriculumBanner` when this middleware sets it; learners and visitors never see it.
import path from 'node:path';
import type { Problem } from '../curriculum/types';
import type { RequestHandler } from 'express';
import type { CurriculumService } from '../curriculum/service';
import { ROOT_DIR } from '../paths';

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
    const role = req.user?.role;
    if (role !== 'admin' && role !== 'trainer') return next();
    const all = curriculum.problems();
    if (all.length === 0) return next();
    const sorted = [...all.filter((p) => p.severity === 'error'), ...all.filter((p) => p.severity !== 'error')];
    const banner: CurriculumBanner = {
      errors: all.length - all.filter((p) => p.severity === 'warning').length,
      warnings: all.filter((p) => p.severity === 'warning').length,
      problems: sorted.slice(0, SHOWN).map((p) => ({ ...p, file: path.relative(ROOT_DIR, p.file) || p.file })),
      more: Math.max(0, all.length - SHOWN),
      adminLink: role === 'admin',
    };
    res.locals.curriculumBanner = banner;
    next();
  };
}
