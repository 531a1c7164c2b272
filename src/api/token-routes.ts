// A manager's page of their organization's reporting API tokens: make one (shown this once, in
// full), see each one's prefix and last use, revoke. HTTP only: the organization's policy is asked
// (through loadOrganization) before anything is read or changed, so another organization's
// manager finds no such page.
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { requires } from '../http/guards';
import { parseForm, type FieldErrors } from '../http/validate';
import { idParam, keptValues, loadOrganization, orgPaths } from '../organizations/route-helpers';
import type { OrganizationService } from '../organizations/service';
import { TOKEN_NAME_MAX, type ApiTokenService } from './tokens';
import { auditOrigin } from '../audit/record';

export interface ApiTokenRouteDeps {
  organizations: OrganizationService;
  tokens: ApiTokenService;
  baseUrl: string;
}

const tokenNameSchema = z.object({
  name: z.string({ message: 'api.tokens.nameRequired' })
    .transform((s) => s.normalize('NFC').trim().replace(/\s+/g, ' '))
    .pipe(z.string().min(1, 'api.tokens.nameRequired').max(TOKEN_NAME_MAX, 'api.tokens.nameTooLong')
      .refine((s) => !/[\p{Cc}\p{Cs}]/u.test(s), 'api.tokens.nameCharacters')),
});

export function apiTokenRoutes({ organizations, tokens, baseUrl }: ApiTokenRouteDeps): Router {
  const router = Router();
  const manage = requires('api-token:manage');

  async function show(req: Request, res: Response, o: { values?: Record<string, string>; errors?: FieldErrors; created?: { name: string; token: string }; status?: number } = {}) {
    const { org, can } = await loadOrganization(req, organizations, 'manageApiTokens');
    // Last use to the minute, as it is kept (written at most once a minute), in UTC as every date is shown.
    const minute = new Intl.DateTimeFormat(res.locals.lang, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' });
    const list = (await tokens.list(org.id)).map((k) => ({ ...k, lastUsed: k.lastUsedAt ? minute.format(k.lastUsedAt) : null }));
    // The page that shows a token in full is kept by no cache and no browser history.
    if (o.created) res.set('Cache-Control', 'no-store');
    res.page('organizations/api-tokens', {
      title: `${res.locals.t('api.tokens.title')} · ${org.name}`, org, can, paths: orgPaths, tokens: list,
      values: o.values ?? {}, errors: o.errors ?? {}, created: o.created ?? null, revoked: req.query.done === 'revoked',
      apiBase: `${baseUrl}/api/v1`,
    }, o.status ?? 200);
  }

  router.get('/organizations/:orgId/api-tokens', manage, (req, res) => show(req, res));

  router.post('/organizations/:orgId/api-tokens', manage, async (req, res) => {
    const { org } = await loadOrganization(req, organizations, 'manageApiTokens');
    const form = parseForm(tokenNameSchema, req.body, { prefix: 'api.tokens.', fallback: 'api.tokens.nameRequired' });
    if (!form.ok) return show(req, res, { values: keptValues(req.body), errors: form.errors, status: 422 });
    const { token } = await tokens.create(org.id, form.data.name, req.user!.id, auditOrigin(req));
    await show(req, res, { created: { name: form.data.name, token } });
  });

  router.post('/organizations/:orgId/api-tokens/:tokenId/revoke', manage, async (req, res) => {
    const { org } = await loadOrganization(req, organizations, 'manageApiTokens');
    await tokens.revoke(org.id, idParam(req, 'tokenId'), req.user!.id, auditOrigin(req));
    res.redirect(303, `${orgPaths.apiTokens(org.id)}?done=revoked`);
  });

  return router;
}
