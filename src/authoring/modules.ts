// The modules of a draft: add one, move one up or down, delete one. Every change renumbers the
// module files 01, 02, ... and keeps each module's key, so learners' progress stays attached.
import type { SessionUser } from '../accounts/types';
import { MODULE_FILE } from '../curriculum/names';
import { frontMatter, moduleFiles, moduleKeyOf, slugify } from './course-files';
import type { AuthoringContext } from './context';
import { notFound } from '../http/errors';

export function moduleOperations(ctx: AuthoringContext) {
  const { limits } = ctx;

  async function addModule(slug: string, title: string, user: SessionUser, body = ''): Promise<{ ok: true; file: string } | { ok: false; problem: 'tooManyModules' }> {
    const course = await ctx.loadCourse(slug);
    const { files } = await ctx.draft(course);
    const modules = moduleFiles(files.keys());
    if (modules.length >= limits.maxModules) return { ok: false, problem: 'tooManyModules' };
    const keys = new Set(modules.map(moduleKeyOf));
    const base = slugify(title);
    let key = base;
    for (let n = 2; keys.has(key); n++) key = `${base}-${n}`;
    const last = modules.length ? Number(MODULE_FILE.exec(modules[modules.length - 1])![1]) : 0;
    if (last >= limits.maxModules) {
      await ctx.reorder(course, user, (order) => order); // close the gaps first
      return addModule(slug, title, user, body);
    }
    const file = `${String(last + 1).padStart(2, '0')}-${key}.md`;
    // The title is the page's heading already: the body starts from the template's first section.
    await ctx.writeFiles(course.id, user, new Map([[file, Buffer.from(`${frontMatter({ title, minutes: 5 })}${body ? `${body}\n` : '\n'}`, 'utf8')]]));
    return { ok: true, file };
  }

  return {
    addModule,

    /** Moves a module up or down; every module is renumbered 01, 02, ... and keeps its key. */
    async moveModule(slug: string, key: string, direction: 'up' | 'down', user: SessionUser) {
      const course = await ctx.loadCourse(slug);
      await ctx.reorder(course, user, (order) => {
        const i = order.findIndex((f) => moduleKeyOf(f) === key);
        const j = direction === 'up' ? i - 1 : i + 1;
        if (i < 0) throw notFound();
        if (j < 0 || j >= order.length) return null;
        const next = [...order];
        [next[i], next[j]] = [next[j], next[i]];
        return next;
      });
    },

    async moduleOf(slug: string, key: string) {
      const course = await ctx.loadCourse(slug);
      const { files, parsed } = await ctx.draft(course);
      const file = moduleFiles(files.keys()).find((f) => moduleKeyOf(f) === key);
      if (!file) throw notFound();
      const title = (parsed.course ?? parsed.partial)?.modules.find((m) => m.key === key)?.title ?? null;
      return { owner: await ctx.owner(course), file, key, title };
    },

    /** Deletes a module from the draft (a double submit finds nothing left and changes nothing). */
    async deleteModule(slug: string, key: string, user: SessionUser) {
      const course = await ctx.loadCourse(slug);
      await ctx.reorder(course, user, (order) => {
        const next = order.filter((f) => moduleKeyOf(f) !== key);
        return next.length === order.length ? null : next;
      });
    },
  };
}
