// Certificates: the holder's PDF and transcript, the public verification page, and the
// administrator's search, revocation and bulk download. HTTP only.
import { Router, type RequestHandler } from 'express';
import { zipSync } from 'fflate';
import { z } from 'zod';
import type { CertificateService } from './service';
import { toRecord } from './service';
import { CertificateInputError } from './pdf';
import type { CertificateRow } from './store';
import type { CertificateRenderService } from './render-pool';
import type { Clock } from '../clock';
import { publicAccess, requires } from '../http/guards';
import { authorize } from '../access/policy';
import { canCertificate } from './policy';
import { parseForm } from '../http/validate';
import { badRequest, unprocessable } from '../http/errors';
import { formatCode, parseCode } from './codes';
import { audit, auditOrigin, byRequest } from '../audit/record';
import type { Db } from '../db/knex';

interface Deps {
  certificates: CertificateService;
  /** PDFs are rendered in its worker threads (renderAsync, transcriptAsync, renderEach), off the event loop. */
  renderer: CertificateRenderService;
  clock: Clock;
  verifyLimiter: RequestHandler;
  /** Where the audit log is written. */
  db: Db;
}

const revokeSchema = z.object({
  reason: z.string().trim().min(3, 'validation.reasonRequired').max(500, 'validation.reasonTooLong'),
});

/** A calendar date as a date input sends it, and a real one (2020-99-99 and 2021-02-30 are not). */
const DAY = /^\d{4}-\d{2}-\d{2}$/;
function realDay(s: string): boolean {
  const d = new Date(`${s}T00:00:00Z`);
  return DAY.test(s) && !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
}
const selectionSchema = z.object({
  course: z.string().regex(/^[a-z0-9-]{1,100}$/).optional().or(z.literal('')),
  from: z.string().refine(realDay).optional().or(z.literal('')),
  to: z.string().refine(realDay).optional().or(z.literal('')),
});

/** Most certificates one bulk download may hold; a larger selection is asked to narrow down. */
export const MAX_ZIP_CERTIFICATES = 2000;

export function certificateRoutes(deps: Deps): Router {
  const { certificates, renderer, verifyLimiter } = deps;
  const router = Router();

  /** A name the fonts cannot print (possible for names from before that check) is a clear 422. */
  async function render(c: CertificateRow, lang: string): Promise<Buffer> {
    try {
      return await renderer.renderAsync(toRecord(c), lang);
    } catch (err) {
      if (err instanceof CertificateInputError) throw unprocessable('unprintable_name');
      throw err;
    }
  }

  router.get('/certificates/:code.pdf', requires('certificate:download'), async (req, res) => {
    const c = await certificates.byCode(String(req.params.code));
    authorize(canCertificate(req.user!, 'download', c));
    const pdf = await render(c, res.locals.lang);
    res.set('Content-Type', 'application/pdf');
    res.set('Content-Disposition', `attachment; filename="certificate-${c.code}.pdf"`);
    res.set('Cache-Control', 'private, no-store');
    res.send(pdf);
  });

  router.get('/transcript', requires('certificate:download'), async (req, res) => {
    const history = await certificates.listForUser(req.user!.id);
    res.page('certificates/transcript', { title: res.locals.t('transcript.title'), history, formatCode });
  });

  router.get('/transcript.pdf', requires('certificate:download'), async (req, res) => {
    const history = (await certificates.listForUser(req.user!.id)).filter((c) => c.status !== 'superseded' && c.status !== 'withdrawn');
    const pdf = await renderer.transcriptAsync({ holderName: req.user!.displayName, generatedAt: deps.clock.now(), certificates: history }, res.locals.lang);
    res.set('Content-Type', 'application/pdf');
    res.set('Content-Disposition', 'attachment; filename="transcript.pdf"');
    res.set('Cache-Control', 'private, no-store');
    res.send(pdf);
  });

  router.get('/verify', publicAccess, (req, res) => {
    const typed = typeof req.query.code === 'string' ? req.query.code.trim() : '';
    if (typed) return res.redirect(303, `/verify/${encodeURIComponent(typed)}`);
    res.page('certificates/verify-form', { title: res.locals.t('verify.title'), value: '' });
  });

  router.get('/verify/:code', publicAccess, verifyLimiter, async (req, res) => {
    const result = await certificates.verify(String(req.params.code));
    res.set('Cache-Control', 'no-store');
    res.set('X-Robots-Tag', 'noindex');
    if (!result.found) {
      if (req.accepts(['html', 'json']) === 'json') {
        return res.status(404).json({ valid: false, reason: result.reason });
      }
      return res.page('certificates/verify-form', {
        title: res.locals.t('verify.title'), value: String(req.params.code), reason: result.reason,
      }, 404);
    }
    const v = result.verification;
    if (req.accepts(['html', 'json']) === 'json') {
      return res.json({
        valid: v.status === 'valid', status: v.status, code: formatCode(v.code), holderName: v.status === 'withdrawn' ? null : v.holderName,
        courseTitle: v.courseTitle, hours: v.hours, issuedAt: v.issuedAt.toISOString(), expiresAt: v.expiresAt?.toISOString() ?? null,
        revokedAt: v.revokedAt?.toISOString() ?? null, revokedReason: v.revokedReason, supersededAt: v.supersededAt?.toISOString() ?? null,
      });
    }
    res.page('certificates/verify', { title: res.locals.t('verify.title'), v, code: formatCode(v.code) });
  });

  // ---- administrators ------------------------------------------------------------------
  function selection(query: unknown) {
    const q = selectionSchema.safeParse(query);
    if (!q.success) throw badRequest();
    const day = (s: string | undefined, plus = 0) => (s ? new Date(Date.parse(`${s}T00:00:00Z`) + plus) : undefined);
    return {
      values: { course: q.data.course ?? '', from: q.data.from ?? '', to: q.data.to ?? '' },
      // `to` is inclusive: everything issued before the end of that day.
      filter: { courseSlug: q.data.course || undefined, from: day(q.data.from), to: day(q.data.to, 24 * 60 * 60 * 1000) },
    };
  }

  router.get('/admin/certificates', requires('certificate:search'), async (req, res) => {
    const { values, filter } = selection(req.query);
    const found = await certificates.search({ ...filter, limit: 200 });
    const query = new URLSearchParams(values).toString();
    res.page('admin/certificates', {
      title: res.locals.t('adminCertificates.title'), values, found, query, formatCode, errors: {}, reasons: {},
      // Only a well-formed code is named in the notice; anything else in the address is ignored.
      revoked: typeof req.query.revoked === 'string' && parseCode(req.query.revoked).ok ? req.query.revoked : null,
    });
  });

  router.get('/admin/certificates.zip', requires('certificate:search'), async (req, res) => {
    const { filter, values } = selection(req.query);
    const found = (await certificates.search({ ...filter, limit: MAX_ZIP_CERTIFICATES + 1 })).filter((c) => c.status !== 'superseded' && c.status !== 'withdrawn');
    if (found.length > MAX_ZIP_CERTIFICATES) throw badRequest('too_many_certificates', { key: 'errors.too_many_certificates.withMax', params: { max: MAX_ZIP_CERTIFICATES } });
    const files: Record<string, Uint8Array> = {};
    const skipped: string[] = [];
    let failure: Error | null = null;
    await renderer.renderEach(found.map(toRecord), res.locals.lang, (i, result) => {
      const c = found[i]!;
      if ('pdf' in result) files[`${c.courseSlug}/${formatCode(c.code)}.pdf`] = result.pdf;
      // A name no font prints (from before that check) leaves that one out and says so.
      else if (result.error instanceof CertificateInputError) skipped.push(`${formatCode(c.code)}\t${c.courseSlug}`);
      else failure ??= result.error;
    });
    if (failure) throw failure;
    if (skipped.length) files['not-included.txt'] = Buffer.from(`${req.t('adminCertificates.notIncluded')}\n${skipped.join('\n')}\n`);
    // PDFs are already compressed: store them as they are.
    const zip = zipSync(files, { level: 0, mtime: new Date('2000-01-01T00:00:00Z') });
    res.set('Content-Type', 'application/zip');
    await audit.record(deps.db, { ...byRequest(req), action: 'certificates.downloaded', details: { count: found.length - skipped.length, ...values } });
    res.set('Content-Disposition', 'attachment; filename="certificates.zip"');
    res.set('Cache-Control', 'private, no-store');
    res.send(Buffer.from(zip));
  });

  router.post('/admin/certificates/:code/revoke', requires('certificate:revoke'), async (req, res) => {
    const cert = await certificates.byCode(String(req.params.code));
    authorize(canCertificate(req.user!, 'revoke', cert));
    const form = parseForm(revokeSchema, req.body);
    if (!form.ok) {
      return res.page('admin/certificates', {
        title: res.locals.t('adminCertificates.title'), values: { course: '', from: '', to: '' }, found: [cert], query: '', formatCode,
        errors: { [cert.code]: form.errors.reason }, reasons: { [cert.code]: typeof req.body?.reason === 'string' ? req.body.reason : '' }, revoked: null,
      }, 422);
    }
    await certificates.revoke(cert.code, form.data.reason, req.user!.id, auditOrigin(req));
    res.redirect(303, `/admin/certificates?revoked=${cert.code}`);
  });

  return router;
}
