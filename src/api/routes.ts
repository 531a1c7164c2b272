// The reporting API under /api/v1, and the managers' page of API tokens. HTTP only. Every data
// route's first handler is requiresToken('report:view'): a bearer token of an organization, whose
// organization is the only one any query is given (`req.apiToken.organizationId`); then the
// per-token rate limit. A session cookie never authenticates here.
import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Db } from '../db/knex';
import type { Clock } from '../clock';
import type { CurriculumService } from '../curriculum/service';
import type { OrganizationService } from '../organizations/service';
import type { ReportService } from '../reports/service';
import type { ReportRow } from '../reports/types';
import { publicAccess, requiresToken } from '../http/guards';
import { createLimiter } from '../http/rate-limit';
import { bearerAuthentication } from './authenticate';
import { apiTokenRoutes } from './token-routes';
import type { ApiTokenService } from './tokens';
import type { ListEndpoint } from './endpoint';
import { learnersEndpoint } from './learners';
import { assignmentsEndpoint } from './assignments';
import { coursesEndpoint } from './courses';
import { completionParameters, presentCompletion, refusePagingWithCsv, reportFilters, rowFilter, startAfter, streamCsv, wantsCsv } from './completions';
import { DEFAULT_LIMIT, decodeCursor, encodeCursor, pageOf } from './paging';
import { cursorParameter, limitParameter, readQuery } from './query';
import { openApiDocument } from './openapi';

export const API_PREFIX = '/api/v1';

/** Per token: a nightly sync pages through thousands of rows in well under a minute at this rate. */
export const API_RATE_LIMIT = { limit: 120, windowMs: 60 * 1000 };

export interface ApiDeps {
  db: Db;
  clock: Clock;
  organizations: OrganizationService;
  curriculum: CurriculumService;
  reports: Pick<ReportService, 'filtersFrom' | 'rows'>;
  tokens: ApiTokenService;
  baseUrl: string;
}

/** The URL of the page after this one: the same path and filters, and the new cursor. */
function nextUrl(baseUrl: string, req: Request, path: string, cursor: string): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(req.query)) if (k !== 'cursor' && typeof v === 'string') params.set(k, v);
  params.set('cursor', cursor);
  return `${baseUrl}${API_PREFIX}${path}?${params}`;
}

function sendPage(res: Response, data: unknown[], next: string | null): void {
  if (next) res.set('Link', `<${next}>; rel="next"`);
  res.json({ data, next });
}

export function apiRoutes(deps: ApiDeps): Router {
  const { organizations, reports, baseUrl } = deps;
  const router = Router();
  router.use(apiTokenRoutes(deps));

  router.use(API_PREFIX, bearerAuthentication(deps.tokens));
  const reader = requiresToken('report:view');
  const perToken = createLimiter(deps.db, deps.clock, { name: 'api', ...API_RATE_LIMIT, key: (req) => `token:${req.apiToken!.tokenId}` });
  // What the API sends is personal data of the organization's people: kept by no cache.
  const noStore: RequestHandler = (_req, res, next) => { res.set('Cache-Control', 'no-store'); next(); };

  const lists: ListEndpoint[] = [
    learnersEndpoint(organizations),
    assignmentsEndpoint(organizations),
    coursesEndpoint(deps.curriculum, organizations),
  ] as ListEndpoint[];

  for (const e of lists) {
    router.get(API_PREFIX + e.path, reader, perToken, noStore, async (req, res) => {
      const q = readQuery([...e.filters, limitParameter, cursorParameter], req.query);
      const after = q.cursor ? decodeCursor(e.name, q.cursor as string, 1) : null;
      const rows = await e.load(req.apiToken!.organizationId, q);
      const page = pageOf(rows, e.key, after, (q.limit as number | undefined) ?? DEFAULT_LIMIT);
      sendPage(res, page.rows, page.nextKey ? nextUrl(baseUrl, req, e.path, encodeCursor(e.name, page.nextKey)) : null);
    });
  }

  router.get(`${API_PREFIX}/completions`, reader, perToken, noStore, async (req, res) => {
    const q = readQuery(completionParameters, req.query);
    const organizationId = req.apiToken!.organizationId;
    const filters = await reportFilters(reports, organizationId, q, req.query);
    const keep = rowFilter(q);
    const learner = q.learner as number | undefined;
    const csv = wantsCsv(q.format, (types) => req.accepts(types));
    if (csv) refusePagingWithCsv(q);
    const cursor = q.cursor ? decodeCursor('listCompletions', q.cursor as string, 2) : null;
    // Rows come in learner-then-course order: one learner's rows end at the first row past them.
    async function* kept(): AsyncGenerator<ReportRow> {
      for await (const r of reports.rows(organizationId, filters, { order: 'id', after: startAfter(q, cursor) })) {
        if (learner !== undefined && r.userId > learner) return;
        if (keep(r)) yield r;
      }
    }
    if (csv) return streamCsv(res, kept());
    const limit = (q.limit as number | undefined) ?? DEFAULT_LIMIT;
    const page: ReportRow[] = [];
    let more = false;
    for await (const r of kept()) {
      if (page.length === limit) {
        more = true;
        break;
      }
      page.push(r);
    }
    const last = page[page.length - 1];
    sendPage(res, page.map(presentCompletion), more ? nextUrl(baseUrl, req, '/completions', encodeCursor('listCompletions', [last.userId, last.courseId])) : null);
  });

  const document = openApiDocument({ baseUrl, lists, rateLimit: API_RATE_LIMIT });
  router.get(`${API_PREFIX}/openapi.json`, publicAccess, (_req, res) => {
    res.json(document);
  });

  return router;
}
