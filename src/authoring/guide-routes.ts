// GET /author/guide: the course-writing guide, linked from every authoring page's editor.
import { Router } from 'express';
import { requires } from '../http/guards';
import { courseGuide } from './guide';

export const guidePath = '/author/guide';

export function guideRoutes(): Router {
  const router = Router();
  router.get(guidePath, requires('course:author'), (_req, res) => {
    const { html, contents } = courseGuide();
    res.page('authoring/guide', { title: res.locals.t('author.guide.title'), html, contents, listPath: '/author' });
  });
  return router;
}
