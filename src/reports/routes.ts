// Organization reports in the browser: the matrix with its summary and charts, and the same report
// as a CSV (streamed), a printable PDF summary and a zip of the certificates. HTTP only: every
// route needs `report:view`, loads the organization its URL names and asks the policy (the tenant
// check) before anything of it is read; the report service does the rest.
import { Router, type Request, type Response } from 'express';
import type { Clock } from '../clock';
import { requires } from '../http/guards';
import { authorize } from '../access/policy';
import { badRequest, notFound } from '../http/errors';
import type { OrganizationService } from '../organizations/service';
import type { Organization } from '../organizations/types';
import type { CertificateService } from '../certificates/service';
import type { CertificateRenderService } from '../certificates/render-pool';
import type { CertificateFonts } from '../certificates/fonts';
import { REQUIREMENT_STATUSES } from '../organizations/requirements';
import { canReport, choosesOrganization, type ReportAction } from './policy';
import type { FiltersResult, ReportService } from './service';
import type { FilterProblem, ReportFilters } from './types';
import { csvHeader, csvLines } from './export';
import { writeLines } from './csv';
import { audit, byRequest } from '../audit/record';
import type { Db } from '../db/knex';
import { completionByUnitChart, completionsByMonthChart } from './charts';
import { ariaSort, describeFilters, filterValues, matrixView, pageLinks, queryOf, STATUS_ICONS, type Formatters } from './presenter';
import { renderSummaryPdf, MAX_LISTED } from './summary-pdf';
import { MAX_ZIP_CERTIFICATES, writeCertificatesZip } from './certificates-zip';

export interface ReportRouteDeps {
  reports: ReportService;
  organizations: OrganizationService;
  certificates: CertificateService;
  renderer: CertificateRenderService;
  fonts: CertificateFonts;
  clock: Clock;
  appName: string;
  /** Where the audit log is written. */
  db: Db;
}

export const reportPaths = {
  index: '/reports',
  report: (id: number) => `/reports/${id}`,
  csv: (id: number) => `/reports/${id}/report.csv`,
  pdf: (id: number) => `/reports/${id}/summary.pdf`,
  zip: (id: number) => `/reports/${id}/certificates.zip`,
};

/** The organization `:orgId` names, once the policy allows the user the action on it; else 404. */
async function loadOrganization(req: Request, organizations: OrganizationService, action: ReportAction): Promise<Organization> {
  const raw = String(req.params.orgId ?? '');
  if (!/^\d{1,9}$/.test(raw)) throw notFound();
  const org = await organizations.find(Number(raw));
  authorize(canReport(req.user!, action, org));
  return org;
}

/** Dates in cells and the PDF: short, in UTC like every date the app shows. */
function formatters(res: Response): Formatters {
  const short = new Intl.DateTimeFormat(res.locals.lang, { dateStyle: 'medium', timeZone: 'UTC' });
  return { t: res.locals.t, shortDate: (d) => short.format(d), formatNumber: res.locals.formatNumber };
}

export function reportRoutes(deps: ReportRouteDeps): Router {
  const { reports, organizations } = deps;
  const router = Router();
  const view = requires('report:view');

  /** The filters of the query, or a 400 that names each problem (the page shows them beside a fresh form). */
  async function filtersOr400(req: Request, res: Response, org: Organization, page: boolean): Promise<(FiltersResult & { ok: true }) | null> {
    const result = await reports.filtersFrom(org.id, req.query as Record<string, unknown>);
    if (result.ok) return result;
    if (!page) throw badRequest('bad_request', { key: result.problems[0]!.key });
    res.page('reports/bad-filters', {
      title: `${res.locals.t('reports.badFilters.title')} · ${org.name}`, org, paths: reportPaths,
      problems: result.problems.map((p: FilterProblem) => ({ field: p.field, key: p.key })),
    }, 400);
    return null;
  }

  /** The names of the chosen unit and courses, for saying what the report holds. */
  async function filterNames(orgId: number, filters: ReportFilters) {
    const [units, courses] = await Promise.all([organizations.units(orgId), reports.courses(orgId)]);
    return {
      units, courses,
      names: {
        unit: filters.unitId == null ? null : units.find((u) => u.id === filters.unitId)?.name ?? null,
        courses: courses.filter((c) => filters.courseIds?.includes(c.courseId)).map((c) => c.title),
      },
    };
  }

  /** The navigation link: an administrator chooses an organization; a manager goes to their own. */
  router.get('/reports', view, async (req, res) => {
    if (!choosesOrganization(req.user!)) return res.redirect(303, reportPaths.report(req.user!.membership!.organizationId));
    const list = await organizations.list();
    res.page('reports/index', { title: res.locals.t('reports.index.title'), organizations: list, paths: reportPaths });
  });

  router.get('/reports/:orgId', view, async (req, res) => {
    const org = await loadOrganization(req, organizations, 'view');
    const parsed = await filtersOr400(req, res, org, true);
    if (!parsed) return;
    const { filters, sort } = parsed;
    const [result, { units, courses, names }] = await Promise.all([
      reports.page(org.id, filters, sort, { number: parsed.page }),
      filterNames(org.id, filters),
    ]);
    const f = formatters(res);
    const monthFormat = new Intl.DateTimeFormat(res.locals.lang, { month: 'short', year: 'numeric', timeZone: 'UTC' });
    const percentFormat = new Intl.NumberFormat(res.locals.lang, { style: 'percent', maximumFractionDigits: 1 });
    const chartWords = {
      t: f.t, formatNumber: f.formatNumber, percent: (r: number) => percentFormat.format(r),
      formatMonth: (m: string) => monthFormat.format(new Date(`${m}-01T00:00:00Z`)),
    };
    const values = filterValues(req.query as Record<string, unknown>);
    res.page('reports/report', {
      title: `${res.locals.t('reports.title')} · ${org.name}`, org, paths: reportPaths, chooses: choosesOrganization(req.user!), units, courses, statuses: REQUIREMENT_STATUSES, icons: STATUS_ICONS,
      values, query: (change: Parameters<typeof queryOf>[1] = {}) => queryOf(values, change), sort, ariaSort: (key: 'name' | 'unit' | 'status' | 'due') => ariaSort(sort, key),
      result, rows: matrixView(result, f), pageLinks: pageLinks(result.page, result.pages),
      described: describeFilters(filters, names, f), percent: chartWords.percent, formatMonth: chartWords.formatMonth,
      charts: { months: completionsByMonthChart(result.summary, chartWords), units: completionByUnitChart(result.summary, chartWords) },
      zipMax: MAX_ZIP_CERTIFICATES,
    });
  });

  router.get('/reports/:orgId/report.csv', view, async (req, res) => {
    const org = await loadOrganization(req, organizations, 'export');
    const parsed = await filtersOr400(req, res, org, false);
    if (!parsed) return;
    await audit.record(deps.db, { ...byRequest(req), action: 'report.exported', target: { type: 'organization', id: org.id }, details: { format: 'csv' } });
    res.set('Content-Type', 'text/csv; charset=utf-8');
    res.set('Content-Disposition', `attachment; filename="report-${org.id}-${deps.clock.now().toISOString().slice(0, 10)}.csv"`);
    res.set('Cache-Control', 'private, no-store');
    // The header goes at once; the rows follow as the database gives them.
    res.write(csvHeader(res.locals.t));
    const completed = await writeLines(res, csvLines(reports.rows(org.id, parsed.filters), res.locals.t));
    if (completed) res.end();
  });

  router.get('/reports/:orgId/summary.pdf', view, async (req, res) => {
    const org = await loadOrganization(req, organizations, 'export');
    const parsed = await filtersOr400(req, res, org, false);
    if (!parsed) return;
    const { filters } = parsed;
    const [summary, { names }] = await Promise.all([reports.summary(org.id, filters), filterNames(org.id, filters)]);
    // Who needs attention: the overdue and expired cells the filters keep, by name.
    const attention = [];
    const late = (filters.statuses ?? REQUIREMENT_STATUSES).filter((s) => s === 'overdue' || s === 'expired');
    if (late.length) {
      for await (const row of reports.rows(org.id, { ...filters, statuses: late })) {
        attention.push(row);
        if (attention.length > MAX_LISTED) break;
      }
    }
    const f = formatters(res);
    const pdf = await renderSummaryPdf(deps.fonts, {
      organizationName: org.name, filters: describeFilters(filters, names, f), generatedAt: deps.clock.now(), summary, attention, appName: deps.appName,
    }, req.t, res.locals.lang);
    await audit.record(deps.db, { ...byRequest(req), action: 'report.exported', target: { type: 'organization', id: org.id }, details: { format: 'pdf' } });
    res.set('Content-Type', 'application/pdf');
    res.set('Content-Disposition', `attachment; filename="report-summary-${org.id}.pdf"`);
    res.set('Cache-Control', 'private, no-store');
    res.send(pdf);
  });

  router.get('/reports/:orgId/certificates.zip', view, async (req, res) => {
    const org = await loadOrganization(req, organizations, 'export');
    const parsed = await filtersOr400(req, res, org, false);
    if (!parsed) return;
    const wanted = await reports.certificates(org.id, parsed.filters, MAX_ZIP_CERTIFICATES);
    if (wanted.length > MAX_ZIP_CERTIFICATES) throw badRequest('too_many_certificates', { key: 'reports.zip.tooMany', params: { max: MAX_ZIP_CERTIFICATES } });
    await audit.record(deps.db, { ...byRequest(req), action: 'report.exported', target: { type: 'organization', id: org.id }, details: { format: 'certificates-zip', count: wanted.length } });
    res.set('Content-Type', 'application/zip');
    res.set('Content-Disposition', `attachment; filename="certificates-${org.id}.zip"`);
    res.set('Cache-Control', 'private, no-store');
    await writeCertificatesZip(res, { wanted, certificates: deps.certificates, renderer: deps.renderer, t: req.t, lang: res.locals.lang });
  });

  return router;
}
