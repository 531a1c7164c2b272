// The audit log for administrators: filter by actor, action and dates, page through it, download
// it as CSV. Read only: there is no route that changes or removes an entry.
import { Router, type Request } from 'express';
import type { Db } from '../db/knex';
import { requires } from '../http/guards';
import { BOM, csvLine, writeLines } from '../reports/csv';
import type { Clock } from '../clock';
import { AUDIT_ACTIONS } from './record';
import { AUDIT_PAGE_SIZE, auditPage, auditRows, type AuditFilters, type AuditRow } from './query';

function day(value: unknown): Date | null {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return null;
  const d = new Date(`${value}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** Filters from the query string; anything unreadable is simply not applied. */
function filtersFrom(req: Request): { filters: AuditFilters; values: Record<string, string> } {
  const actor = typeof req.query.actor === 'string' ? req.query.actor.trim().slice(0, 200) : '';
  const action = AUDIT_ACTIONS.find((a) => a === req.query.action) ?? null;
  const from = day(req.query.from);
  const to = day(req.query.to);
  const iso = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : '');
  return { filters: { actor, action, from, to }, values: { actor, action: action ?? '', from: iso(from), to: iso(to) } };
}

const HEADER = ['when', 'actor_id', 'actor', 'action', 'target_type', 'target_id', 'details', 'client_address', 'request_id'];

async function* csvLines(rows: AsyncIterable<AuditRow>): AsyncIterable<string> {
  for await (const r of rows) {
    yield csvLine([r.at.toISOString(), r.actorId, r.actorLabel, r.action, r.targetType, r.targetId, r.details, r.clientAddress, r.requestId]);
  }
}

export function auditRoutes({ db, clock }: { db: Db; clock: Clock }): Router {
  const router = Router();
  const view = requires('audit:view');

  router.get('/admin/audit', view, async (req, res) => {
    const { filters, values } = filtersFrom(req);
    const page = typeof req.query.page === 'string' && /^[1-9]\d{0,5}$/.test(req.query.page) ? Number(req.query.page) : 1;
    const { rows, total } = await auditPage(db, filters, page);
    const query = new URLSearchParams(values).toString();
    res.page('admin/audit', {
      title: res.locals.t('audit.title'), rows, total, page, pages: Math.max(1, Math.ceil(total / AUDIT_PAGE_SIZE)),
      values, query, actions: AUDIT_ACTIONS,
    });
  });

  router.get('/admin/audit.csv', view, async (req, res) => {
    const { filters } = filtersFrom(req);
    res.set('Content-Type', 'text/csv; charset=utf-8');
    res.set('Content-Disposition', `attachment; filename="audit-${clock.now().toISOString().slice(0, 10)}.csv"`);
    res.set('Cache-Control', 'private, no-store');
    res.write(BOM + csvLine(HEADER));
    if (await writeLines(res, csvLines(auditRows(db, filters)))) res.end();
  });

  return router;
}
