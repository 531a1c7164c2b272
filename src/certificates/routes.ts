// The holder's certificate PDF and the public verification page. HTTP only.
import { Router, type RequestHandler } from 'express';
import type { CertificateService } from './service';
import type { CertificateRenderer } from './pdf';
import { publicAccess, signedIn } from '../http/guards';
import { formatCode } from './codes';

interface Deps {
  certificates: CertificateService;
  renderer: CertificateRenderer;
  verifyLimiter: RequestHandler;
}

export function certificateRoutes({ certificates, renderer, verifyLimiter }: Deps): Router {
  const router = Router();

  router.get('/certificates/:code.pdf', signedIn, async (req, res) => {
    const c = await certificates.ownCertificate(String(req.params.code), req.user!.id);
    const pdf = renderer.render(
      { code: c.code, holderName: c.holderName, courseTitle: c.courseTitle, hours: c.hours, issuedAt: c.issuedAt, expiresAt: c.expiresAt },
      req.t, res.locals.lang,
    );
    res.set('Content-Type', 'application/pdf');
    res.set('Content-Disposition', `attachment; filename="certificate-${c.code}.pdf"`);
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
        valid: v.status === 'valid', status: v.status, code: formatCode(v.code), holderName: v.holderName,
        courseTitle: v.courseTitle, hours: v.hours, issuedAt: v.issuedAt.toISOString(), expiresAt: v.expiresAt?.toISOString() ?? null,
        revokedAt: v.revokedAt?.toISOString() ?? null,
      });
    }
    res.page('certificates/verify', { title: res.locals.t('verify.title'), v, code: formatCode(v.code) });
  });

  return router;
}
