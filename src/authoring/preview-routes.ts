// Previews under /author: a draft or a published version shown exactly as a learner sees it, with
// the answers and every option's feedback for the trainer; nothing is recorded.
import { Router, type Request, type Response } from 'express';
import type { AuthoringService, Owner } from './service';
import type { ShownProblem } from './context';
import type { CompiledCourse } from '../curriculum/types';
import { requires } from '../http/guards';
import { notFound } from '../http/errors';
import { presentModulePage } from '../learning/module-presenter';
import { authorPaths, versionParam } from './paths';

const author = requires('course:author');

export function previewRoutes({ authoring }: { authoring: AuthoringService }): Router {
  const router = Router();
  const t = (res: Response) => res.locals.t as (key: string, values?: Record<string, unknown>) => string;

  // ---- Preview exactly as a learner sees it (with the answers, for the trainer) ----

  const previewPath = (slug: string, version: number | null) => ({
    course: () => authorPaths.preview(slug, version),
    module: (_slug: string, key: string) => authorPaths.previewModule(slug, key, version),
  });

  const ownerText = (res: Response, owner: Owner) => `${t(res)('author.owner.label')}: ${owner.source === 'folder' ? t(res)('author.owner.folder')
    : owner.createdByName ? t(res)('author.owner.browserBy', { name: owner.createdByName }) : t(res)('author.owner.browser')}`;

  async function previewOrProblems(req: Request, res: Response): Promise<{ course: CompiledCourse; version: number | null; owner: string; problems: ShownProblem[] } | null> {
    const slug = String(req.params.slug);
    const result = await authoring.previewCourse(slug, versionParam(req));
    if (result.course) return { course: result.course, version: result.versionId && req.query.version ? result.versionId : null, owner: ownerText(res, result.owner), problems: result.problems };
    res.page('authoring/problems', { title: t(res)('author.preview.refusedTitle'), slug, owner: result.owner, problems: result.problems, reason: 'preview', paths: authorPaths }, 422);
    return null;
  }

  /** The banner of a preview; `problems`: the errors that keep parts of a draft out of it. */
  const previewBanner = (slug: string, version: number | null, owner: string, problems: ShownProblem[] = []) => ({
    back: authorPaths.course(slug), version, owner, glossary: authorPaths.previewGlossary(slug, version),
    problems: problems.map((p) => ({ ...p, href: p.editable ? `${authorPaths.file(slug, p.file)}?line=${p.line}#text` : null })),
  });

  router.get('/author/courses/:slug/preview-glossary', author, async (req, res) => {
    const p = await previewOrProblems(req, res);
    if (!p) return;
    if (!p.course.glossary.length) throw notFound();
    res.page('learning/glossary', {
      title: `${t(res)('author.preview.title')}: ${t(res)('glossary.title')} · ${p.course.title}`, course: p.course,
      path: previewPath(p.course.slug, p.version), previewOf: previewBanner(p.course.slug, p.version, p.owner),
    });
  });

  router.get('/author/courses/:slug/preview', author, async (req, res) => {
    const p = await previewOrProblems(req, res);
    if (!p) return;
    const { course, version, owner, problems } = p;
    res.page('learning/course', {
      title: `${t(res)('author.preview.title')}: ${course.title}`, course, enrolled: true, completedAt: null, completedKeys: new Set<string>(),
      certificate: null, canRetake: false,
      progress: { done: 0, total: course.modules.length, percent: 0, resumeKey: course.modules[0]?.key ?? '' },
      path: previewPath(course.slug, version), reveal: true, previewOf: previewBanner(course.slug, version, owner, problems),
    });
  });

  router.get('/author/courses/:slug/preview/:key', author, async (req, res) => {
    const p = await previewOrProblems(req, res);
    if (!p) return;
    const { course, version, owner, problems } = p;
    const index = course.modules.findIndex((m) => m.key === req.params.key);
    if (index < 0) {
      // A module of the draft that does not compile: its own problems, and nothing else held back.
      const own = problems.filter((x) => x.file.endsWith(`-${String(req.params.key)}.md`));
      if (!own.length) throw notFound();
      const page = await authoring.coursePage(course.slug);
      return res.page('authoring/problems', { title: t(res)('author.preview.refusedTitle'), slug: course.slug, owner: page.owner, problems: own, reason: 'preview', paths: authorPaths }, 422);
    }
    // The trainer sees the right answers and every option's feedback; nothing is recorded.
    res.page('learning/module', presentModulePage({
      course, module: course.modules[index], index, enrolled: true, isComplete: false, courseCompletedAt: null,
      reflections: new Map<string, string>(), progress: { done: 0, total: course.modules.length, percent: 0, resumeKey: course.modules[0].key },
    }, { warningAccepted: true }, {
      path: previewPath(course.slug, version), title: `${t(res)('author.preview.title')}: ${course.modules[index].title} · ${course.title}`,
      preview: previewBanner(course.slug, version, owner, problems),
    }));
  });

  return router;
}
