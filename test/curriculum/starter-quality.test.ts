// The starter curriculum's quality bar (issue 14): checks that cannot be passed by pattern, feedback
// that teaches, support lines in every content warning, objectives written as things a learner
// will do and each one assessed, a printable referral page and "next shift" page for each role,
// a record of review, and the words the content brief asks for. Each rule reads the real courses.
import fs from 'node:fs';
import path from 'node:path';
import { parseCurriculum } from '../../src/curriculum/parse';
import type { CompiledCheck, CompiledCourse, CompiledModule } from '../../src/curriculum/types';

const ROOT = path.join(__dirname, '..', '..', 'curriculum');

// An asymmetric matcher, so a failure shows the whole record (which position, which checks).
expect.extend({
  toBeAtMost(received: number, limit: number) {
    const pass = typeof received === 'number' && received <= limit;
    return { pass, message: () => `expected ${received} to be at most ${limit}` };
  },
});
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    interface Expect { toBeAtMost(limit: number): unknown }
  }
}
const { courses, problems } = parseCurriculum(ROOT);

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&[a-z]+;|&#\d+;/g, ' ').replace(/\s+/g, ' ').trim();
const htmlOf = (m: CompiledModule) => m.segments.map((s) => (s.kind === 'html' ? s.html : '')).join('');
const singleAnswer = (c: CourseLike) => c.checks.filter((k) => !k.multiple);
type CourseLike = { checks: CompiledCheck[] };
const checksOf = (c: CompiledCourse): CourseLike => ({ checks: c.modules.flatMap((m) => m.checks) });

/** The Markdown of each module file, by course slug and module key, without its Sources section. */
function moduleSources(slug: string): { key: string; file: string; body: string; sources: string }[] {
  const dir = path.join(ROOT, slug);
  return fs.readdirSync(dir).filter((n) => /^\d\d-.+\.md$/.test(n)).sort().map((n) => {
    const all = fs.readFileSync(path.join(dir, n), 'utf8');
    const at = all.search(/^## Sources\s*$/m);
    return { key: n.slice(3, -3), file: `${slug}/${n}`, body: at < 0 ? all : all.slice(0, at), sources: at < 0 ? '' : all.slice(at) };
  });
}

test('the curriculum checks clean: no errors and no warnings', () => {
  expect(problems.map((p) => `${path.relative(ROOT, p.file)}:${p.line}: ${p.message}`)).toEqual([]);
  expect(courses).toHaveLength(5);
});

describe.each(courses.map((c) => [c.slug, c] as const))('%s', (_slug, course) => {
  const checks = singleAnswer(checksOf(course));

  test('the right answer is not in the same position in more than 60% of its checks', () => {
    const counts = new Map<number, number>();
    for (const c of checks) {
      const at = c.options.findIndex((o) => o.correct) + 1;
      counts.set(at, (counts.get(at) ?? 0) + 1);
    }
    const [position, most] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? [1, 0];
    expect({ position, share: Math.round((100 * most) / checks.length) }).toEqual({ position, share: expect.toBeAtMost(60) });
  });

  test('the right answer is the longest option in at most half of its checks', () => {
    const longestRight = checks.filter((c) => {
      const lengths = c.options.map((o) => text(o.html).length);
      const right = c.options.findIndex((o) => o.correct);
      return lengths.every((l, i) => i === right || l < lengths[right]);
    });
    expect({ checks: longestRight.map((c) => c.id), share: Math.round((100 * longestRight.length) / checks.length) })
      .toEqual({ checks: expect.any(Array), share: expect.toBeAtMost(50) });
  });

  test('every option has feedback of its own: no two options share it, even after "Right." or "No."', () => {
    const verdict = /^(right|correct|yes|no|not quite|not so|close|not yet|not for her|too late|the reverse)\b[^.]{0,20}[.!]\s*/i;
    const repeated: string[] = [];
    for (const m of course.modules) {
      for (const c of m.checks) {
        const feedback = c.options.map((o) => text(o.feedbackHtml ?? ''));
        expect({ check: c.id, missing: feedback.filter((f) => !f).length }).toEqual({ check: c.id, missing: 0 });
        const cores = feedback.map((f) => f.replace(verdict, '').trim());
        if (new Set(feedback).size < feedback.length || new Set(cores).size < cores.length) repeated.push(c.id);
      }
    }
    expect(repeated).toEqual([]);
  });

  test('every content warning names the support lines, and VictimLinkBC where violence is covered', () => {
    for (const m of course.modules.filter((x) => x.contentWarning)) {
      const w = m.contentWarning!;
      const lines = { crisis: /9-8-8/.test(w), hopeForWellness: /Hope for Wellness/.test(w) && /1-855-242-3310/.test(w), kuuUs: /KUU-US/.test(w) && /1-800-588-8717/.test(w) };
      expect({ module: m.key, ...lines }).toEqual({ module: m.key, crisis: true, hopeForWellness: true, kuuUs: true });
      if (/violen|assault|murder|abuse|exploitation|trafficking/i.test(w)) {
        expect({ module: m.key, victimLinkBC: /VictimLinkBC/.test(w) && /1-800-563-0808/.test(w) }).toEqual({ module: m.key, victimLinkBC: true });
      }
    }
  });

  test('no module repeats its content warning as a "Content note" of its own', () => {
    for (const m of course.modules) expect({ module: m.key, note: /Content note/i.test(htmlOf(m)) }).toEqual({ module: m.key, note: false });
  });

  test('objectives are things a learner will do, in direct verbs', () => {
    for (const o of [...course.objectives, ...course.modules.flatMap((m) => m.objectives)]) {
      expect(o).not.toMatch(/^(the )?(learners?|participants?|you|students?)\b/i);
      expect(o).toMatch(/^[A-Z][a-z]+\b/);
    }
  });

  test('every module that teaches assesses each of its objectives: a check or a scenario for each', () => {
    for (const m of course.modules.filter((x) => !x.handout)) {
      const assessed = m.checks.length + (htmlOf(m).match(/class="block scenario"/g) ?? []).length;
      expect({ module: m.key, enough: assessed >= m.objectives.length }).toEqual({ module: m.key, enough: true });
    }
  });

  test('the course says who should review it, and records reviewers for Indigenous content and for its scenarios', () => {
    const review = course.review ?? [];
    expect(review.length).toBeGreaterThan(0);
    expect(review.some((r) => /Indigenous/.test(r.by))).toBe(true);
    expect(review.some((r) => /lived experience/.test(r.by) && /scenario/i.test(r.part))).toBe(true);
  });

  test('every citation in a module is listed in its Sources, and every listed source is cited', () => {
    for (const m of moduleSources(course.slug)) {
      const listed = new Set([...m.sources.matchAll(/^- \[([^\]]+)\]/gm)].map((x) => x[1]));
      const cited = new Set([...m.body.replace(/^---[\s\S]*?^---$/m, '').matchAll(/(?<!\[)\[([^\][]+)\](?![(\]])/g)].map((x) => x[1]).filter((k) => !/^[ xX]$/.test(k)));
      expect({ file: m.file, unlisted: [...cited].filter((k) => !listed.has(k)) }).toEqual({ file: m.file, unlisted: [] });
      expect({ file: m.file, uncited: [...listed].filter((k) => !cited.has(k)) }).toEqual({ file: m.file, uncited: [] });
    }
  });

  test('the words: no slang, no "sex trade" or "leave prostitution" outside quotation marks', () => {
    const files = [{ file: `${course.slug}/course.md`, body: fs.readFileSync(path.join(ROOT, course.slug, 'course.md'), 'utf8') }, ...moduleSources(course.slug)];
    for (const f of files) {
      // A wrong option in a knowledge check names the words to avoid; it is not the authors' voice.
      const own = f.body.replace(/^\s*- \[ \] .*$/gm, '').replace(/"[^"\n]*"/g, '""').replace(/\*[^*\n]+\*/g, '');
      expect({ file: f.file, found: own.match(/sex trade|leave prostitution|\bprostitutes?\b|\bhookers?\b|working girls?|\bjohns?\b|child prostitut|youth sex worker/gi) ?? [] })
        .toEqual({ file: f.file, found: [] });
    }
  });

  test('sentences stay short enough to read on a phone: at most 30 words, not counting citations', () => {
    for (const m of course.modules) {
      const checks = m.checks.map((c) => c.questionHtml + c.options.map((o) => `<p>${o.html}</p>${o.feedbackHtml ?? ''}`).join('')).join('');
      // Every block element ends a sentence, whatever its punctuation.
      const blocks = (htmlOf(m).replace(/<h2>Sources<\/h2>[\s\S]*$/, '') + checks).replace(/<\/(p|h\d|li|td|th|summary|blockquote|figcaption)>/g, ' \u00b6 ');
      const long = text(blocks).split(/(?<=[.!?:;])\s+|\s*\u00b6\s*/).filter((s) => s.replace(/\[[^\]]*\]/g, '').trim().split(/\s+/).length > 30);
      expect({ module: m.key, long }).toEqual({ module: m.key, long: [] });
    }
  });
});

describe('the role courses', () => {
  const LINES = ['9-8-8', '1-855-242-3310', '1-800-588-8717', '1-800-563-0808', '1-833-900-1010', '1-800-663-9122', '9-1-1'];
  const bySlug = new Map(courses.map((c) => [c.slug, c]));

  test.each(['for-police', 'for-health-services', 'for-municipal-staff'])('%s ends with a referral handout by region and a "next shift" handout', (slug) => {
    const course = bySlug.get(slug)!;
    const handouts = course.modules.filter((m) => m.handout);
    expect(handouts.map((m) => m.key)).toEqual(['who-to-call', 'next-shift']);
    const referral = text(htmlOf(handouts[0]));
    for (const line of LINES) expect({ slug, line, listed: referral.includes(line) }).toEqual({ slug, line, listed: true });
    for (const region of ['Province-wide', 'Metro Vancouver', 'Vancouver Island', 'Interior', 'North']) expect(referral).toContain(region);
    expect(referral).toContain('Aboriginal Front Door Society');
    expect(referral).toMatch(/PACE Society[\s\S]{0,200}closed permanently/i);
    expect(referral).toMatch(/confirm before referring/i);
    // The next-shift page says who to call for a young person under 19.
    expect(text(htmlOf(handouts[1]))).toContain('1-800-663-9122');
  });

  test('the referral page is the same file in every course that has one, so a correction reaches them all', () => {
    const copies = courses.flatMap((c) => fs.readdirSync(path.join(ROOT, c.slug)).filter((n) => /^\d\d-who-to-call\.md$/.test(n))
      .map((n) => ({ file: `${c.slug}/${n}`, text: fs.readFileSync(path.join(ROOT, c.slug, n), 'utf8') })));
    expect(copies.length).toBeGreaterThanOrEqual(3);
    for (const copy of copies) expect({ file: copy.file, same: copy.text === copies[0].text }).toEqual({ file: copy.file, same: true });
  });

  test('the police course meets the three scenarios the issue names', () => {
    const html = bySlug.get('for-police')!.modules.map(htmlOf).join('');
    const titles = [...html.matchAll(/<section class="block scenario"><h3 class="block-title">(.*?)<\/h3>/g)].map((m) => m[1]);
    expect(titles).toEqual(expect.arrayContaining(['The minute at the window', 'He says he is 18', 'The hotel call']));
  });
});
