// A person's own data at /account/data: the readable page, the JSON download, and deleting the
// account (with the password typed again). HTTP only: the rules are in service.ts and policy.ts.
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { AccountService } from '../accounts/service';
import type { PrivacyService } from './service';
import type { ExportRow } from './export';
import { publicAccess, requires } from '../http/guards';
import { authorize } from '../access/policy';
import { parseForm, type FieldErrors } from '../http/validate';
import { auditOrigin } from '../audit/record';
import { sessionCookieName } from '../http/session-store';
import { showErrorsOnForm } from '../http/error-handler';
import { canOwnData } from './policy';
import { PRIVACY_REGISTRY } from './registry';

const eraseSchema = z.object({
  password: z.string().min(1, 'validation.passwordRequired').max(1024, 'validation.passwordTooLong'),
});

interface Section {
  table: string;
  title: string;
  /** Each column by its name in the download and what it holds, from the registry. */
  columns: { name: string; meaning: string }[];
  rows: ExportRow[];
}

/** What a column holds, as the registry says it ("Recipient address."), for the readable page. */
const meaningOf = (table: string, column: string) => (PRIVACY_REGISTRY[table]?.columns[column]?.purpose ?? '').replace(/\.$/, '');

export function privacyRoutes({ privacy, accounts, passwordAgainLimiter = (_req, _res, next) => next() }: {
  privacy: PrivacyService;
  accounts: Pick<AccountService, 'checkCredentials'>;
  /** Counts wrong passwords per account (src/app.ts), as changing the password does. */
  passwordAgainLimiter?: RequestHandler;
}): Router {
  const router = Router();

  const facts = async (req: Request) => ({ lastActiveAdmin: await privacy.isLastActiveAdmin(req.user!) });

  router.get('/account/data', requires('account:edit'), async (req, res) => {
    authorize(canOwnData(req.user!, 'export', await facts(req)));
    const data = await privacy.exportFor(req.user!.id);
    const t = res.locals.t as (key: string) => string;
    // A table another change added before its title was written is shown by its name.
    const titleOf = (table: string) => { const key = `privacy.tables.${table}`; const s = t(key); return s === key ? table : s; };
    const sections: Section[] = Object.entries(data.tables).map(([table, rows]) => ({
      table, title: titleOf(table), rows, columns: Object.keys(rows[0] ?? {}).map((name) => ({ name, meaning: meaningOf(table, name) })),
    }));
    res.page('privacy/data', { title: t('privacy.data.title'), sections, generatedAt: new Date(data.generatedAt) });
  });

  router.get('/account/data.json', requires('account:edit'), async (req, res) => {
    authorize(canOwnData(req.user!, 'export', await facts(req)));
    const data = await privacy.exportFor(req.user!.id);
    res.set('Content-Type', 'application/json; charset=utf-8');
    res.set('Content-Disposition', 'attachment; filename="bridgework-my-data.json"');
    res.set('Cache-Control', 'private, no-store');
    res.send(JSON.stringify(data, null, 2));
  });

  const showDelete = async (req: Request, res: Response, errors: FieldErrors = {}, status = 200) => {
    const lastActiveAdmin = (await facts(req)).lastActiveAdmin;
    res.page('privacy/delete', { title: res.locals.t('privacy.delete.title'), errors, lastActiveAdmin }, status);
  };

  router.get('/account/delete', requires('account:edit'), (req, res) => showDelete(req, res));

  router.post('/account/delete', requires('account:edit'), passwordAgainLimiter, async (req, res) => {
    const user = req.user!;
    const form = parseForm(eraseSchema, req.body);
    if (!form.ok) return showDelete(req, res, form.errors, 422);
    // The last administrator is told on the page (409), with the form's words, not a bare error.
    showErrorsOnForm(res, async (err) => err.id === 'last_admin' && (await showDelete(req, res, {}, 409), true));
    authorize(canOwnData(user, 'erase', await facts(req)));
    if (!(await accounts.checkCredentials(user.email, form.data.password))) return showDelete(req, res, { password: 'validation.currentPasswordWrong' }, 422);
    await privacy.eraseOwnAccount(user.id, auditOrigin(req));
    // The erasure deleted every session of the account, this one's row too: end it in the browser.
    req.logout(() => {
      req.session.destroy(() => {
        res.clearCookie(sessionCookieName(req.secure), { path: '/', httpOnly: true, sameSite: 'lax', secure: req.secure });
        res.redirect(303, '/account/deleted');
      });
    });
  });

  router.get('/account/deleted', publicAccess, (_req, res) => {
    res.page('privacy/deleted', { title: res.locals.t('privacy.deleted.title') });
  });

  return router;
}
