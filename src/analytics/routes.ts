// What courses change, in the browser: trainers see each course (item analysis, pre/post change by
// period and organization, evaluation); managers see their own staff's change by unit and period.
// HTTP only: every route needs `course:analytics`, loads what its URL names and asks the policy
// (for an organization, the tenant check) before anything of it is read.
import { Router, type Request, type Response } from 'express';
import { requires } from '../http/guards';
import { authorize } from '../access/policy';
import { holds } from '../access/holds';
import { notFound } from '../http/errors';
import type { OrganizationService } from '../organizations/service';
import type { Organization } from '../organizations/types';
import { canSeeCourseAnalytics, canSeeOrganizationAnalytics } from './policy';
import type { AnalyticsService } from './service';
import { changeView, evaluationView, itemsView, type Formats } from './presenter';

const enc = encodeURIComponent;
export const analyticsPaths = {
  index: '/analytics',
  course: (slug: string) => `/analytics/courses/${enc(slug)}`,
  organization: (id: number) => `/analytics/organizations/${id}`,
  organizationCourse: (id: number, slug: string) => `/analytics/organizations/${id}/courses/${enc(slug)}`,
};

function formats(res: Response): Formats {
  return { t: res.locals.t, lang: res.locals.lang ?? 'en' };
}

const groupWords = (res: Response) => ({ noUnit: res.locals.t('analytics.noUnit'), noOrganization: res.locals.t('analytics.noOrganization') });

/** The organization `:orgId` names, once the policy allows the user to see it; else 404. */
async function loadOrganization(req: Request, organizations: OrganizationService): Promise<Organization> {
  const raw = String(req.params.orgId ?? '');
  if (!/^\d{1,9}$/.test(raw)) throw notFound();
  const org = await organizations.find(Number(raw));
  authorize(canSeeOrganizationAnalytics(req.user!, org));
  return org;
}

export function analyticsRoutes({ analytics, organizations }: { analytics: AnalyticsService; organizations: OrganizationService }): Router {
  const router = Router();
  const see = requires('course:analytics');

  /** Trainers choose a course (and may open any organization); a manager goes to their own organization. */
  router.get('/analytics', see, async (req, res) => {
    const user = req.user!;
    if (!holds(user, 'course:analytics', { organizationId: null })) return res.redirect(303, analyticsPaths.organization(user.membership!.organizationId));
    const [courses, orgs] = await Promise.all([analytics.courses(), organizations.list()]);
    res.page('analytics/index', { title: res.locals.t('analytics.index.title'), courses, organizations: orgs, paths: analyticsPaths });
  });

  router.get('/analytics/courses/:slug', see, async (req, res) => {
    authorize(canSeeCourseAnalytics(req.user!));
    const report = await analytics.courseReport(String(req.params.slug), groupWords(res));
    const f = formats(res);
    res.page('analytics/course', {
      title: `${res.locals.t('analytics.course.title')} · ${report.course.title}`, course: report.course, paths: analyticsPaths,
      change: report.change ? changeView(report.change, f) : null,
      items: itemsView(report.items, f), evaluation: evaluationView(report.evaluation, f),
    });
  });

  router.get('/analytics/organizations/:orgId', see, async (req, res) => {
    const org = await loadOrganization(req, organizations);
    const courses = await analytics.organizationCourses(org.id);
    res.page('analytics/organization', { title: `${res.locals.t('analytics.organization.title')} · ${org.name}`, org, courses, paths: analyticsPaths });
  });

  router.get('/analytics/organizations/:orgId/courses/:slug', see, async (req, res) => {
    const org = await loadOrganization(req, organizations);
    const report = await analytics.organizationReport(org.id, String(req.params.slug), groupWords(res));
    res.page('analytics/organization-course', {
      title: `${report.course.title} · ${org.name}`, org, course: report.course, paths: analyticsPaths,
      change: report.change ? changeView(report.change, formats(res)) : null,
    });
  });

  return router;
}
