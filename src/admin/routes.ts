// The administrator's overview: which courses are published and which were skipped, and why.
import { Router } from 'express';
import type { CurriculumService } from '../curriculum/service';
import { requires } from '../http/guards';
import { ROOT_DIR } from '../paths';
import { relativeProblem } from '../curriculum/parse';

export function adminRoutes({ curriculum }: { curriculum: CurriculumService }): Router {
  const router = Router();
  router.get('/admin', requires('site:administer'), async (_req, res) => {
    const courses = await curriculum.catalog();
    const problems = curriculum.problems().map((p) => relativeProblem(p, ROOT_DIR));
    res.page('admin/index', { title: res.locals.t('admin.title'), courses, problems });
  });
  return router;
}
