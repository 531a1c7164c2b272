// The authoring area under /author: trainers make, preview, publish and download courses in the
// browser. HTTP only: validate, ask the policy, call the authoring service, render or redirect.
import { Router, type Request, type Response } from 'express';
import type { AuthoringService, Owner } from './service';
import { isEditableFile } from './course-files';
import { canCourse, courseActions, type CourseAction } from './policy';
import { addModuleSchema, createCourseSchema, moveSchema, parseAuthorForm, publishSchema, saveFileSchema, type FieldErrors } from './schemas';
import { AUDIENCES, type CompiledCourse } from '../curriculum/types';
import { megabytes } from './zip';
import type { CourseZip } from './zip-transfer';
import { requires } from '../http/guards';
import { auditOrigin } from '../audit/record';
import { authorize } from '../access/policy';
import { showErrorsOnForm } from '../http/error-handler';
import { readUpload } from '../http/multipart';
import { badRequest, HttpError, notFound } from '../http/errors';
import { presentModulePage } from '../learning/module-presenter';

const author = requires('course:author');
const publisher = requires('course:publish');
const enc = encodeURIComponent;

export const authorPaths = {
  list: '/author',
  create: '/author/new',
  upload: '/author/upload',
  course: (slug: string) => `/author/courses/${enc(slug)}`,
  file: (slug: string, file: string) => `/author/courses/${enc(slug)}/files/${enc(file)}`,
  filePreview: (slug: string, file: string) => `/author/courses/${enc(slug)}/files/${enc(file)}/preview`,
  modules: (slug: string) => `/author/courses/${enc(slug)}/modules`,
  move: (slug: string, key: string) => `/author/courses/${enc(slug)}/modules/${enc(key)}/move`,
  deleteModule: (slug: string, key: string) => `/author/courses/${enc(slug)}/modules/${enc(key)}/delete`,
  media: (slug: string) => `/author/courses/${enc(slug)}/media`,
  deleteMedia: (slug: string, name: string) => `/author/courses/${enc(slug)}/media/${enc(name)}/delete`,
  publish: (slug: string) => `/author/courses/${enc(slug)}/publish`,
  versions: (slug: string) => `/author/courses/${enc(slug)}/versions`,
  draftZip: (slug: string) => `/author/courses/${enc(slug)}/draft/zip`,
  versionZip: (slug: string, id: number) => `/author/courses/${enc(slug)}/versions/${id}/zip`,
  preview: (slug: string, version: number | null = null) => `/author/courses/${enc(slug)}/preview${version ? `?version=${version}` : ''}`,
  previewModule: (slug: string, key: string, version: number | null = null) =>
    `/author/courses/${enc(slug)}/preview/${enc(key)}${version ? `?version=${version}` : ''}`,
};

/** Notices a redirect may ask the course page to show (nothing else from the query reaches the page). */
const NOTICES = ['created', 'imported', 'saved', 'moduleAdded', 'moduleDeleted', 'moved', 'mediaAdded', 'mediaReplaced', 'mediaDeleted', 'published', 'unchanged'] as const;

function keptValues(body: unknown): Record<string, string | string[]> {
  const values: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries((body ?? {}) as Record<string, unknown>)) {
    if (k !== '_csrf' && (typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string')))) values[k] = v as string | string[];
  }
  return values;
}

function renderString(res: Response, view: string, model: Record<string, unknown>): Promise<string> {
  return new Promise((resolve, reject) => res.render(view, model, (err, html) => (err ? reject(err) : resolve(html))));
}

function versionParam(req: Request): number | null {
  const v = req.query.version;
  if (v === undefined) return null;
  if (typeof v !== 'string' || !/^\d{1,9}$/.test(v)) throw notFound();
  return Number(v);
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
    const { slug, created } = await authoring.importZip(upload.file.bytes, (upload.fields.slug ?? '').trim().toLowerCase(), user, (target) => {
      const decision = canCourse(user, 'edit', target);
      if (!decision.allowed && decision.reason === 'folder_course') {
        throw new HttpError(409, 'folder_course', { key: 'author.zip.folderCourse', params: { slug: target.slug } });
      }
      authorize(decision);
    });
    res.redirect(303, `${authorPaths.course(slug)}?notice=${created ? 'created' : 'imported'}`);
  });

  // ---- One course ----

  router.get('/author/courses/:slug', author, (req, res) => showCourse(req, res));

  const showEditor = async (req: Request, res: Response, state: { text: string; base: string; status?: number; preview?: boolean; message?: string | null }) => {
    const slug = String(req.params.slug);
    const file = String(req.params.file);
    const { owner } = await authoring.file(slug, file);
    let previewHtml: string | null = null;
    let fileProblems: unknown[] = [];
    if (state.preview) {
      const p = await authoring.previewFile(slug, file, state.text);
      previewHtml = await renderString(res, 'authoring/preview-fragment', { ...p, slug, file, paths: authorPaths });
      fileProblems = p.fileProblems;
    }
    const line = typeof req.query.line === 'string' && /^\d{1,6}$/.test(req.query.line) ? Number(req.query.line) : null;
    res.page('authoring/editor', {
      title: `${file} · ${t(res)('author.editor.title')}`, slug, file, owner, text: state.text, base: state.base,
      previewHtml, fileProblems, line, message: state.message ?? null, saved: req.query.saved === '1',
      kind: file === 'course.md' ? 'course' : file === 'glossary.md' ? 'glossary' : 'module',
      paths: authorPaths, maxText: megabytes(limits.maxMarkdownBytes),
    }, state.status ?? 200);
  };

  router.get('/author/courses/:slug/files/:file', author, async (req, res) => {
    await allow(req, res, 'edit');
    const { text, base } = await authoring.file(String(req.params.slug), String(req.params.file));
    await showEditor(req, res, { text, base, preview: true });
  });

  router.post('/author/courses/:slug/files/:file', author, async (req, res) => {
    await allow(req, res, 'edit');
    const slug = String(req.params.slug);
    const file = String(req.params.file);
    if (!isEditableFile(file)) throw notFound();
    const form = parseAuthorForm(saveFileSchema, req.body);
    if (!form.ok) throw badRequest();
    const { text, base, intent } = form.data;
    if (intent === 'preview') return showEditor(req, res, { text, base, preview: true });
    const result = await authoring.saveFile(slug, file, text, base, req.user!);
    if (result.ok) return res.redirect(303, `${authorPaths.file(slug, file)}?saved=1`);
    if (result.reason === 'tooLarge') {
      return showEditor(req, res, { text, base, preview: false, status: 413, message: t(res)('author.editor.tooLarge', { max: megabytes(limits.maxMarkdownBytes) }) });
    }
    // Someone saved this file since it was opened: keep the trainer's text, and let a second save
    // replace the other version knowingly.
    const current = await authoring.file(slug, file);
    return showEditor(req, res, { text, base: current.base, preview: false, status: 409, message: t(res)('author.editor.conflict') });
  });

  /** The live preview of the editor (public/js/author-preview.js): the same fragment, as HTML. */
  router.post('/author/courses/:slug/files/:file/preview', author, async (req, res) => {
    await allow(req, res, 'edit');
    const slug = String(req.params.slug);
    const file = String(req.params.file);
    const text = typeof req.body?.text === 'string' ? req.body.text : null;
    if (text === null) throw badRequest();
    const p = await authoring.previewFile(slug, file, text);
    const html = await renderString(res, 'authoring/preview-fragment', { ...p, slug, file, paths: authorPaths });
    res.set('Cache-Control', 'no-store');
    res.type('html').send(html);
  });

  router.post('/author/courses/:slug/modules', author, async (req, res) => {
    await allow(req, res, 'edit');
    const slug = String(req.params.slug);
    const form = parseAuthorForm(addModuleSchema, req.body);
    if (!form.ok) return showCourse(req, res, { status: 422, errors: form.errors, values: keptValues(req.body) });
    const result = await authoring.addModule(slug, form.data.title, req.user!);
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
    res.redirect(303, `${authorPaths.course(slug)}?notice=moved#module-${enc(key)}`);
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
    res.redirect(303, `${authorPaths.course(slug)}?notice=${result.replaced ? 'mediaReplaced' : 'mediaAdded'}&name=${enc(result.name)}#media`);
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

  // ---- Preview exactly as a learner sees it (with the answers, for the trainer) ----

  const previewPath = (slug: string, version: number | null) => ({
    course: () => authorPaths.preview(slug, version),
    module: (_slug: string, key: string) => authorPaths.previewModule(slug, key, version),
  });

  const ownerText = (res: Response, owner: Owner) => `${t(res)('author.owner.label')}: ${owner.source === 'folder' ? t(res)('author.owner.folder')
    : owner.createdByName ? t(res)('author.owner.browserBy', { name: owner.createdByName }) : t(res)('author.owner.browser')}`;

  async function previewOrProblems(req: Request, res: Response): Promise<{ course: CompiledCourse; version: number | null; owner: string } | null> {
    const slug = String(req.params.slug);
    const result = await authoring.previewCourse(slug, versionParam(req));
    if (result.course) return { course: result.course, version: result.versionId && req.query.version ? result.versionId : null, owner: ownerText(res, result.owner) };
    res.page('authoring/problems', { title: t(res)('author.preview.refusedTitle'), slug, owner: result.owner, problems: result.problems, reason: 'preview', paths: authorPaths }, 422);
    return null;
  }

  const previewBanner = (slug: string, version: number | null, owner: string) => ({ back: authorPaths.course(slug), version, owner });

  router.get('/author/courses/:slug/preview', author, async (req, res) => {
    const p = await previewOrProblems(req, res);
    if (!p) return;
    const { course, version, owner } = p;
    res.page('learning/course', {
      title: `${t(res)('author.preview.title')}: ${course.title}`, course, enrolled: true, completedAt: null, completedKeys: new Set<string>(),
      certificate: null, canRetake: false,
      progress: { done: 0, total: course.modules.length, percent: 0, resumeKey: course.modules[0]?.key ?? '' },
      path: previewPath(course.slug, version), reveal: true, previewOf: previewBanner(course.slug, version, owner),
    });
  });

  router.get('/author/courses/:slug/preview/:key', author, async (req, res) => {
    const p = await previewOrProblems(req, res);
    if (!p) return;
    const { course, version, owner } = p;
    const index = course.modules.findIndex((m) => m.key === req.params.key);
    if (index < 0) throw notFound();
    // The trainer sees the right answers and every option's feedback; nothing is recorded.
    res.page('learning/module', presentModulePage({
      course, module: course.modules[index], index, enrolled: true, isComplete: false, courseCompletedAt: null,
      reflections: new Map<string, string>(), progress: { done: 0, total: course.modules.length, percent: 0, resumeKey: course.modules[0].key },
    }, { warningAccepted: true }, {
      path: previewPath(course.slug, version), title: `${t(res)('author.preview.title')}: ${course.modules[index].title} · ${course.title}`,
      preview: previewBanner(course.slug, version, owner),
    }));
  });

  return router;
}
