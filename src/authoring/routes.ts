// The authoring area under /author: trainers make, preview, publish and download courses in the
// browser. HTTP only: validate, ask the policy, call the authoring service, render or redirect.
import { Router, type Request, type Response } from 'express';
import type { AuthoringService } from './service';
import { isEditableFile, titleOf } from './course-files';
import { canCourse, courseActions, type CourseAction } from './policy';
import { addModuleSchema, createCourseSchema, moveSchema, parseAuthorForm, publishSchema, saveFileSchema, type FieldErrors } from './schemas';
import { AUDIENCES } from '../curriculum/types';
import { megabytes } from './zip';
import type { CourseZip, Held } from './zip-transfer';
import { MAX_SLUG_LENGTH, SLUG } from '../curriculum/names';
import { requires } from '../http/guards';
import { auditOrigin } from '../audit/record';
import { authorize } from '../access/policy';
import { showErrorsOnForm } from '../http/error-handler';
import { readUpload } from '../http/multipart';
import { renderView } from '../http/views';
import { badRequest, HttpError, notFound } from '../http/errors';
import { guideRoutes } from './guide-routes';
import { previewRoutes } from './preview-routes';
import { authorPaths } from './paths';
import { sentenceWithTime } from './local-time';

const author = requires('course:author');
const publisher = requires('course:publish');


/** Notices a redirect may ask the course page to show (nothing else from the query reaches the page). */
const NOTICES = ['created', 'imported', 'restored', 'saved', 'moduleAdded', 'moduleDeleted', 'moved', 'mediaAdded', 'mediaReplaced', 'mediaDeleted', 'published', 'unchanged'] as const;

function keptValues(body: unknown): Record<string, string | string[]> {
  const values: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries((body ?? {}) as Record<string, unknown>)) {
    if (k !== '_csrf' && (typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string')))) values[k] = v as string | string[];
  }
  return values;
}



export function authoringRoutes({ authoring }: { authoring: AuthoringService }): Router {
  const router = Router();
  const limits = authoring.limits;
  const t = (res: Response) => res.locals.t as (key: string, values?: Record<string, unknown>) => string;

  async function showCourse(req: Request, res: Response, extra: { slug?: string; status?: number; errors?: FieldErrors; values?: Record<string, unknown>; mediaError?: string | null } = {}) {
    const slug = extra.slug ?? String(req.params.slug);
    const view = await authoring.coursePage(slug);
    const actions = courseActions(req.user!, view);
    const notice = (NOTICES as readonly string[]).includes(String(req.query.notice)) ? String(req.query.notice) : null;
    const model = {
      ...view, actions, paths: authorPaths, notice, noticeName: typeof req.query.name === 'string' ? req.query.name.slice(0, 120) : '',
      errors: extra.errors ?? {}, values: extra.values ?? {}, mediaError: extra.mediaError ?? null,
      limits: { media: megabytes(limits.maxMediaBytes), mediaTypes: Object.keys(mediaTypesShown()).join(' ') },
      // After a move, the moved module's button takes the focus again (autofocus: no script needed).
      moved: notice === 'moved' && typeof req.query.moved === 'string' ? { key: req.query.moved, direction: req.query.direction === 'down' ? 'down' : 'up' } : null,
    };
    const title = view.draft?.title ?? view.current?.title ?? slug;
    res.page(actions.edit ? 'authoring/draft' : 'authoring/folder', { title: `${title} · ${t(res)('author.title')}`, ...model }, extra.status ?? 200);
  }

  function mediaTypesShown() {
    // The file types a trainer may upload, as the course format lists them.
    return Object.fromEntries(['.png', '.jpg', '.jpeg', '.gif', '.webp', '.mp4', '.webm', '.mp3', '.m4a', '.ogg', '.pdf', '.vtt'].map((e) => [e, true]));
  }

  const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();
  router.use('/author', (_req, res, next) => {
    const lang = String(res.locals.lang || 'en');
    let format = dateTimeFormats.get(lang);
    if (!format) dateTimeFormats.set(lang, format = new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }));
    res.locals.formatDateTime = (d: Date) => `${format.format(d)} UTC`;
    // A sentence with its time as <time datetime>, shown in the reader's zone by public/js/local-time.js.
    res.locals.withTime = (key: string, values: Record<string, unknown>, date: Date, name = 'date') =>
      sentenceWithTime(res.locals.t, key, values, name, date, `${format.format(date)} UTC`);
    next();
  });

  /**
   * Asks the policy whether the user may do `action` to the course in the address. A change to a
   * folder course is refused with `folder_course`, shown on the course page itself (409).
   */
  async function allow(req: Request, res: Response, action: CourseAction): Promise<void> {
    const slug = String(req.params.slug);
    const course = await authoring.course(slug);
    showErrorsOnForm(res, async (err) => err.id === 'folder_course' && (await showCourse(req, res, { slug, status: 409 }), true));
    authorize(canCourse(req.user!, action, course));
  }

  // ---- The list, a new course, a zip upload ----

  router.get('/author', author, async (req, res) => {
    const courses = await authoring.listCourses();
    res.page('authoring/index', { title: t(res)('author.title'), courses, paths: authorPaths });
  });

  const showNew = (res: Response, values: Record<string, unknown>, errors: FieldErrors, status = 200) =>
    res.page('authoring/new', { title: t(res)('author.new.title'), values, errors, audiences: AUDIENCES, paths: authorPaths }, status);

  router.get('/author/new', author, (_req, res) => showNew(res, { minutes: '30', audience: [] }, {}));

  router.post('/author/new', author, async (req, res) => {
    const values = keptValues(req.body);
    const form = parseAuthorForm(createCourseSchema, req.body);
    if (!form.ok) return showNew(res, values, form.errors, 422);
    const tr = t(res);
    const result = await authoring.createCourse(form.data, req.user!, {
      overview: tr('author.starter.overview'), moduleTitle: tr('author.starter.moduleTitle'), moduleBody: tr('author.starter.moduleBody'),
    });
    if (!result.ok) return showNew(res, values, { slug: `author.validation.${result.problem}` }, 409);
    res.redirect(303, `${authorPaths.course(form.data.slug)}?notice=created`);
  });

  const showUpload = (res: Response, values: Record<string, unknown>, error: { key: string; values: Record<string, unknown> } | null, status = 200) =>
    res.page('authoring/upload', {
      title: t(res)('author.upload.title'), values, error, paths: authorPaths,
      limits: { zip: megabytes(limits.maxZipBytes), total: megabytes(limits.maxZipTotalBytes), entries: limits.maxZipEntries, media: megabytes(limits.maxMediaBytes), text: megabytes(limits.maxMarkdownBytes) },
    }, status);

  router.get('/author/upload', author, (_req, res) => showUpload(res, {}, null));

  router.post('/author/upload', author, async (req, res) => {
    const upload = await readUpload(req, { maxFileBytes: limits.maxZipBytes, fileField: 'zip' });
    const values = { slug: upload.fields.slug ?? '' };
    if (upload.tooLarge) return showUpload(res, values, { key: 'author.zip.tooLarge', values: { max: megabytes(limits.maxZipBytes) } }, 413);
    if (!upload.file) return showUpload(res, values, { key: 'author.zip.noFile', values: {} }, 422);
    // A zip we refuse, or a folder course's address, is shown on the form with the address kept.
    showErrorsOnForm(res, (err) => {
      if (!err.detail || (err.id !== 'invalid_zip' && err.id !== 'folder_course')) return false;
      showUpload(res, values, { key: err.detail.key, values: err.detail.params ?? {} }, err.status);
      return true;
    });
    const user = req.user!;
    const replace = typeof upload.fields.replace === 'string' ? upload.fields.replace.trim().toLowerCase() : null;
    const result = await authoring.importZip(upload.file.bytes, (upload.fields.slug ?? '').trim().toLowerCase(), user, uploadTarget(user), replace);
    // An address that holds a draft: ask first, naming the course.
    if ('held' in result) return showUploadConfirm(res, result.held, { choice: values.slug ? 'replace' : 'new', slug: result.held.suggested }, null);
    res.redirect(303, `${authorPaths.course(result.slug)}?notice=${result.created ? 'created' : 'imported'}`);
  });

  /** The policy check of the course an upload writes to; a folder course's address is named on the form. */
  const uploadTarget = (user: NonNullable<Request['user']>) => (target: { slug: string; source: 'folder' | 'browser' | null }) => {
    const decision = canCourse(user, 'edit', target);
    if (!decision.allowed && decision.reason === 'folder_course') {
      throw new HttpError(409, 'folder_course', { key: 'author.zip.folderCourse', params: { slug: target.slug } });
    }
    authorize(decision);
  };

  const showUploadConfirm = (res: Response, held: Held, values: { choice: string; slug: string }, error: { key: string; values: Record<string, unknown> } | null, status = 200) =>
    res.page('authoring/upload-confirm', { title: t(res)('author.replace.title'), held, values, error, paths: authorPaths }, status);

  router.post('/author/upload/confirm', author, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const token = typeof body.token === 'string' ? body.token : '';
    const choice = body.choice === 'replace' ? 'replace' : body.choice === 'new' ? 'new' : null;
    const newSlug = typeof body.slug === 'string' ? body.slug.trim().toLowerCase() : '';
    const held = await authoring.heldUpload(token, req.user!);
    if (!held) return showUpload(res, {}, { key: 'author.replace.expired', values: {} }, 410);
    const values = { choice: choice ?? '', slug: newSlug };
    if (!choice) return showUploadConfirm(res, held, values, { key: 'author.replace.choose', values: {} }, 422);
    if (choice === 'new' && (!SLUG.test(newSlug) || newSlug.length > MAX_SLUG_LENGTH)) return showUploadConfirm(res, held, values, { key: 'author.validation.slugFormat', values: {} }, 422);
    showErrorsOnForm(res, (err) => {
      if (!err.detail || (err.id !== 'invalid_zip' && err.id !== 'folder_course')) return false;
      showUploadConfirm(res, held, values, { key: err.detail.key, values: err.detail.params ?? {} }, err.status);
      return true;
    });
    const result = await authoring.confirmUpload(token, req.user!, choice === 'replace' ? { replace: true } : { replace: false, slug: newSlug }, uploadTarget(req.user!));
    if (!result) return showUpload(res, {}, { key: 'author.replace.expired', values: {} }, 410);
    res.redirect(303, `${authorPaths.course(result.slug)}?notice=${result.created ? 'created' : 'imported'}`);
  });

  // ---- One course ----

  router.get('/author/courses/:slug', author, (req, res) => showCourse(req, res));

  // `shown`: whether the text on the page is what is saved ('saved'), not yet ('unsaved'), or was
  // refused because another text was saved meanwhile ('conflict': the page must not autosave over it).
  const showEditor = async (req: Request, res: Response, state: { text: string; base: string; status?: number; preview?: boolean; message?: string | null; shown?: 'saved' | 'unsaved' | 'conflict' }) => {
    const slug = String(req.params.slug);
    const file = String(req.params.file);
    const { owner } = await authoring.file(slug, file);
    let previewHtml: string | null = null;
    let fileProblems: unknown[] = [];
    if (state.preview) {
      const p = await authoring.previewFile(slug, file, state.text);
      previewHtml = renderView(res, 'authoring/preview-fragment', { ...p, slug, file, paths: authorPaths });
      fileProblems = p.fileProblems;
    }
    const line = typeof req.query.line === 'string' && /^\d{1,6}$/.test(req.query.line) ? Number(req.query.line) : null;
    // A module is named by its title (from the text being edited), not its file name.
    const moduleTitle = file === 'course.md' || file === 'glossary.md' ? null : titleOf(state.text);
    const editorHeading = file === 'course.md' ? t(res)('author.editor.headingCourse') : file === 'glossary.md' ? t(res)('author.editor.headingGlossary')
      : moduleTitle ? t(res)('author.editor.headingModule', { title: moduleTitle }) : t(res)('author.editor.heading', { file });
    res.page('authoring/editor', {
      title: `${editorHeading} · ${t(res)('author.editor.title')}`, editorHeading, slug, file, owner, text: state.text, base: state.base,
      previewHtml, fileProblems, line, message: state.message ?? null, saved: req.query.saved === '1', shown: state.shown ?? 'saved',
      kind: file === 'course.md' ? 'course' : file === 'glossary.md' ? 'glossary' : 'module',
      paths: authorPaths, maxText: megabytes(limits.maxMarkdownBytes),
    }, state.status ?? 200);
  };

  router.get('/author/courses/:slug/files/:file', author, async (req, res) => {
    await allow(req, res, 'edit');
    const { text, base } = await authoring.file(String(req.params.slug), String(req.params.file), {
      term: t(res)('author.starter.glossaryTerm'), definition: t(res)('author.starter.glossaryDefinition'),
    });
    await showEditor(req, res, { text, base, preview: true });
  });

  /** What the Save button and autosave both send: the file in the address and the form, checked. */
  async function fileToSave(req: Request, res: Response) {
    await allow(req, res, 'edit');
    const file = String(req.params.file);
    if (!isEditableFile(file)) throw notFound();
    const form = parseAuthorForm(saveFileSchema, req.body);
    if (!form.ok) throw badRequest();
    return { slug: String(req.params.slug), file, ...form.data };
  }

  router.post('/author/courses/:slug/files/:file', author, async (req, res) => {
    const { slug, file, text, base, intent } = await fileToSave(req, res);
    if (intent === 'preview') return showEditor(req, res, { text, base, preview: true, shown: 'unsaved' });
    const result = await authoring.saveFile(slug, file, text, base, req.user!);
    if (result.ok) return res.redirect(303, `${authorPaths.file(slug, file)}?saved=1`);
    if (result.reason === 'tooLarge') {
      return showEditor(req, res, { text, base, preview: false, status: 413, message: t(res)('author.editor.tooLarge', { max: megabytes(limits.maxMarkdownBytes) }), shown: 'unsaved' });
    }
    // Someone saved this file since it was opened: keep the trainer's text, and let a second save
    // replace the other version knowingly.
    const current = await authoring.file(slug, file);
    return showEditor(req, res, { text, base: current.base, preview: false, status: 409, message: t(res)('author.editor.conflict'), shown: 'conflict' });
  });

  /**
   * Autosave (public/js/author-editor.js): the same save as the form's, so a text changed elsewhere
   * since `base` is never overwritten (409, nothing written; the editor keeps the trainer's text).
   * Answers JSON: the new base to send next time.
   */
  router.post('/author/courses/:slug/files/:file/autosave', author, async (req, res) => {
    const { slug, file, text, base } = await fileToSave(req, res);
    res.set('Cache-Control', 'no-store');
    const result = await authoring.saveFile(slug, file, text, base, req.user!, 'autosave');
    if (result.ok) return res.json({ ok: true, base: result.base });
    res.status(result.reason === 'tooLarge' ? 413 : 409).json({ ok: false, reason: result.reason });
  });

  /** The live preview of the editor (public/js/author-preview.js): the same fragment, as HTML. */
  router.post('/author/courses/:slug/files/:file/preview', author, async (req, res) => {
    await allow(req, res, 'edit');
    const slug = String(req.params.slug);
    const file = String(req.params.file);
    const text = typeof req.body?.text === 'string' ? req.body.text : null;
    if (text === null) throw badRequest();
    const p = await authoring.previewFile(slug, file, text);
    const html = renderView(res, 'authoring/preview-fragment', { ...p, slug, file, paths: authorPaths });
    res.set('Cache-Control', 'no-store');
    res.type('html').send(html);
  });

  router.post('/author/courses/:slug/modules', author, async (req, res) => {
    await allow(req, res, 'edit');
    const slug = String(req.params.slug);
    const form = parseAuthorForm(addModuleSchema, req.body);
    if (!form.ok) return showCourse(req, res, { status: 422, errors: form.errors, values: keptValues(req.body) });
    const result = await authoring.addModule(slug, form.data.title, req.user!, t(res)('author.starter.moduleBody'));
    if (!result.ok) return showCourse(req, res, { status: 422, errors: { title: 'author.validation.tooManyModules' }, values: keptValues(req.body) });
    res.redirect(303, authorPaths.file(slug, result.file));
  });

  router.post('/author/courses/:slug/modules/:key/move', author, async (req, res) => {
    await allow(req, res, 'edit');
    const slug = String(req.params.slug);
    const key = String(req.params.key);
    const form = parseAuthorForm(moveSchema, req.body);
    if (!form.ok) throw badRequest();
    await authoring.moveModule(slug, key, form.data.direction, req.user!);
    // No #fragment: a page with a target element skips autofocus, and the focused button scrolls into view itself.
    res.redirect(303, `${authorPaths.course(slug)}?notice=moved&moved=${encodeURIComponent(key)}&direction=${form.data.direction}`);
  });

  router.get('/author/courses/:slug/modules/:key/delete', author, async (req, res) => {
    await allow(req, res, 'edit');
    const slug = String(req.params.slug);
    const m = await authoring.moduleOf(slug, String(req.params.key));
    res.page('authoring/delete-module', { title: t(res)('author.deleteModule.title'), slug, file: m.file, key: m.key, moduleTitle: m.title, owner: m.owner, paths: authorPaths });
  });

  router.post('/author/courses/:slug/modules/:key/delete', author, async (req, res) => {
    await allow(req, res, 'edit');
    const slug = String(req.params.slug);
    await authoring.deleteModule(slug, String(req.params.key), req.user!);
    res.redirect(303, `${authorPaths.course(slug)}?notice=moduleDeleted`);
  });

  router.post('/author/courses/:slug/media', author, async (req, res) => {
    const slug = String(req.params.slug);
    const upload = await readUpload(req, { maxFileBytes: limits.maxMediaBytes, fileField: 'file' });
    await allow(req, res, 'edit');
    const tr = t(res);
    if (upload.tooLarge) return showCourse(req, res, { status: 413, mediaError: tr('author.media.tooLarge', { max: megabytes(limits.maxMediaBytes) }) });
    if (!upload.file) return showCourse(req, res, { status: 422, mediaError: tr('author.media.noFile') });
    const result = await authoring.addMedia(slug, upload.file.name, upload.file.bytes, req.user!);
    if (!result.ok) {
      return showCourse(req, res, { status: result.problem === 'tooLarge' ? 413 : 422, mediaError: tr(`author.media.${result.problem}`, { ...result.values, max: result.problem === 'tooLarge' ? megabytes(limits.maxMediaBytes) : result.values.max }) });
    }
    res.redirect(303, `${authorPaths.course(slug)}?notice=${result.replaced ? 'mediaReplaced' : 'mediaAdded'}&name=${encodeURIComponent(result.name)}#media`);
  });

  router.post('/author/courses/:slug/media/:name/delete', author, async (req, res) => {
    await allow(req, res, 'edit');
    const slug = String(req.params.slug);
    await authoring.deleteMedia(slug, String(req.params.name), req.user!);
    res.redirect(303, `${authorPaths.course(slug)}?notice=mediaDeleted#media`);
  });

  router.post('/author/courses/:slug/publish', publisher, async (req, res) => {
    await allow(req, res, 'publish');
    const slug = String(req.params.slug);
    const form = parseAuthorForm(publishSchema, req.body);
    if (!form.ok) return showCourse(req, res, { status: 422, errors: form.errors, values: keptValues(req.body) });
    const result = await authoring.publish(slug, req.user!, form.data.notes || null, auditOrigin(req));
    if (!result.ok) {
      const page = await authoring.coursePage(slug);
      return res.page('authoring/problems', {
        title: t(res)('author.publish.refusedTitle'), slug, owner: page.owner, problems: result.problems, reason: 'publish', paths: authorPaths,
      }, 422);
    }
    res.redirect(303, `${authorPaths.course(slug)}?notice=${result.changed ? 'published' : 'unchanged'}`);
  });

  // ---- The draft's history: every save, compared with the draft now, and brought back ----

  const saveId = (req: Request) => {
    const id = String(req.params.id);
    if (!/^\d{1,9}$/.test(id)) throw notFound();
    return Number(id);
  };

  router.get('/author/courses/:slug/history', author, async (req, res) => {
    await allow(req, res, 'edit');
    const view = await authoring.history(String(req.params.slug));
    res.page('authoring/history', { title: `${t(res)('author.history.title')} · ${view.slug}`, ...view, windowMinutes: authoring.autosaveWindowMinutes, paths: authorPaths });
  });

  router.get('/author/courses/:slug/history/:id', author, async (req, res) => {
    await allow(req, res, 'edit');
    const view = await authoring.compare(String(req.params.slug), saveId(req));
    res.page('authoring/compare', { title: `${t(res)('author.history.compareTitle')} · ${view.slug}`, ...view, paths: authorPaths });
  });

  router.post('/author/courses/:slug/history/:id/restore', author, async (req, res) => {
    await allow(req, res, 'edit');
    const slug = String(req.params.slug);
    await authoring.restore(slug, saveId(req), req.user!);
    res.redirect(303, `${authorPaths.course(slug)}?notice=restored`);
  });

  router.get('/author/courses/:slug/versions', author, async (req, res) => {
    await allow(req, res, 'history');
    const view = await authoring.versions(String(req.params.slug));
    res.page('authoring/versions', { title: `${t(res)('author.versions.title')} · ${view.slug}`, ...view, paths: authorPaths });
  });

  // Streamed as it is made (src/authoring/zip-stream.ts): no Content-Length.
  const sendZip = async (res: Response, zip: CourseZip) => {
    res.set('Content-Type', 'application/zip');
    res.set('Content-Disposition', `attachment; filename="${zip.filename}"`);
    res.set('Cache-Control', 'no-store');
    await zip.write(res);
  };

  router.get('/author/courses/:slug/draft/zip', author, async (req, res) => {
    await allow(req, res, 'edit');
    await sendZip(res, await authoring.zipDraft(String(req.params.slug)));
  });

  router.get('/author/courses/:slug/versions/:id/zip', author, async (req, res) => {
    await allow(req, res, 'download');
    const id = String(req.params.id);
    if (!/^\d{1,9}$/.test(id)) throw notFound();
    await sendZip(res, await authoring.zipVersion(String(req.params.slug), Number(id)));
  });

  router.use(previewRoutes({ authoring }));

  // The course-writing guide (curriculum/README.md), linked from every editor page.
  router.use(guideRoutes());

  return router;
}
