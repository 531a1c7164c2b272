// The framework's floor: the module page rendered by the same Express middleware, the same route
// handler and view as the real app, minus sessions, passport and the database.
//
// The learning service is replaced by one that returns a module page view computed once, at
// start-up, by the real LearningService (so `course` is a real CompiledCourse from the curriculum
// service's cache, and the view model cannot drift from the real page's). The user and the CSRF
// token are fixed values where session, passport and csrfProtection would have put them, and so is
// the time left before the session ends (which sessionTimeouts would have computed).
import express, { type Express } from 'express';
import type { Logger } from 'pino';
import type { Config } from '../../src/config';
import type { SessionUser } from '../../src/accounts/types';
import type { SessionTimeLeft } from '../../src/sessions/timeouts';
import type { LearningService } from '../../src/learning/service';
import type { CurriculumService } from '../../src/curriculum/service';
import { baseMiddleware } from '../../src/app';
import { viewLocals } from '../../src/http/views';
import { learningRoutes } from '../../src/learning/routes';
import { notFoundHandler, errorHandler } from '../../src/http/error-handler';
import { notFound } from '../../src/http/errors';

export type ModuleView = Awaited<ReturnType<LearningService['modulePage']>>;

export function createFloorApp(deps: {
  config: Config; logger: Logger; curriculum: CurriculumService;
  page: { slug: string; key: string; view: ModuleView }; user: SessionUser; csrfToken: string;
  sessionTimeLeft: SessionTimeLeft;
}): Express {
  const { page, user, csrfToken, sessionTimeLeft } = deps;
  const app = express();
  baseMiddleware(app, { config: deps.config, logger: deps.logger });
  app.use((req, res, next) => {
    req.user = user;
    res.locals.csrfToken = () => csrfToken;
    res.locals.sessionTimeLeft = sessionTimeLeft;
    next();
  });
  app.use(viewLocals);
  const learning = {
    async modulePage(slug: string, key: string) {
      if (slug !== page.slug || key !== page.key) throw notFound();
      return page.view;
    },
  } as unknown as LearningService;
  app.use(learningRoutes({ learning, curriculum: deps.curriculum }));
  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
