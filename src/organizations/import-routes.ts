// A manager imports staff from a CSV file: upload, a preview naming every row's problem, then a
// confirmation that writes all or nothing. HTTP only (csv-import.ts holds the rules).
import { Router, type Request, type Response } from 'express';
import { requires } from '../http/guards';
import { auditOrigin } from '../audit/record';
import { readUpload } from '../http/multipart';
import { MAX_IMPORT_BYTES, MAX_IMPORT_ROWS, type Checked, type ImportResult, type Problem } from './csv-import';
import { idParam, loadOrganization, orgPaths } from './route-helpers';
import type { OrganizationRouteDeps } from './routes';

export function importRoutes({ organizations }: OrganizationRouteDeps): Router {
  const router = Router();
  const manage = requires('member:manage');
  const limits = { maxRows: MAX_IMPORT_ROWS, maxMegabytes: MAX_IMPORT_BYTES / (1024 * 1024) };

  async function showUpload(req: Request, res: Response, problem: Problem | null = null, status = 200) {
    const { org, can } = await loadOrganization(req, organizations, 'invite');
    res.page('organizations/import', { title: `${res.locals.t('org.import.title')} · ${org.name}`, org, can, problem, limits, paths: orgPaths }, status);
  }

  async function showPreview(req: Request, res: Response, o: { fileName: string; importId: number; checked: Checked; applied: boolean; refused?: boolean; status?: number }) {
    const { org, can } = await loadOrganization(req, organizations, 'invite');
    res.page('organizations/import-preview', {
      title: `${res.locals.t('org.import.previewTitle')} · ${org.name}`, org, can, paths: orgPaths,
      fileName: o.fileName, importId: o.importId, checked: o.checked, applied: o.applied, refused: o.refused ?? false,
    }, o.status ?? 200);
  }

  router.get('/organizations/:orgId/import', manage, (req, res) => showUpload(req, res));

  router.post('/organizations/:orgId/import', manage, async (req, res) => {
    const { org } = await loadOrganization(req, organizations, 'invite');
    const upload = await readUpload(req, { maxFileBytes: MAX_IMPORT_BYTES, fileField: 'file' });
    if (upload.tooLarge) return showUpload(req, res, { key: 'org.import.file.tooLarge', params: limits }, 413);
    if (!upload.file) return showUpload(req, res, { key: 'org.import.file.none' }, 422);
    const result = await organizations.imports.upload(org, upload.file, req.user!);
    if (!result.ok) return showUpload(req, res, result.problem, 422);
    res.redirect(303, orgPaths.importPreview(org.id, result.importId));
  });

  router.get('/organizations/:orgId/import/:importId', manage, async (req, res) => {
    const { org } = await loadOrganization(req, organizations, 'invite');
    const importId = idParam(req, 'importId');
    const preview = await organizations.imports.preview(org, importId, req.user!, req.query.createUnits === '1');
    await showPreview(req, res, { ...preview, importId });
  });

  router.post('/organizations/:orgId/import/:importId', manage, async (req, res) => {
    const { org, can } = await loadOrganization(req, organizations, 'invite');
    const importId = idParam(req, 'importId');
    const createUnits = req.body?.createUnits === '1';
    const outcome = await organizations.imports.confirm(org, importId, req.user!, createUnits, auditOrigin(req));
    if (!outcome.ok) {
      const preview = await organizations.imports.preview(org, importId, req.user!, createUnits);
      return showPreview(req, res, { ...preview, importId, checked: outcome.checked, refused: true, status: 422 });
    }
    const result: ImportResult = outcome.result;
    // Links to choose a password are shown this once (only their hashes are kept).
    res.page('organizations/import-result', { title: `${res.locals.t('org.import.resultTitle')} · ${org.name}`, org, can, result, paths: orgPaths });
  });

  return router;
}
