// The course-writing guide (curriculum/README.md, shown at /author/guide) covers every block of the
// format with a worked example, and every example compiles as written: a trainer can copy it.
import fs from 'node:fs';
import { BLOCK_NAMES, compileBody } from '../../src/curriculum/blocks';
import { compileSurvey, extractSurvey } from '../../src/curriculum/survey';
import { renderGuide, type RenderContext } from '../../src/curriculum/render';
import { GUIDE_FILE } from '../../src/authoring/guide';

const guide = fs.readFileSync(GUIDE_FILE, 'utf8');

/** The ```markdown examples of the guide. */
const examples = [...guide.matchAll(/^```markdown\n([\s\S]*?)^```$/gm)].map((m) => m[1]);

function context(problems: string[]): RenderContext {
  return {
    slug: 'example',
    glossary: new Map([['harm reduction', 'term-harm-reduction']]),
    media: (p) => (p.startsWith('media/') ? `/courses/example/${p}` : undefined),
    modules: new Map(),
    label: (k) => k,
    problem: (line, key, _params, severity = 'error') => { if (severity === 'error') problems.push(`${line}: ${key}`); },
  };
}

test.each([...BLOCK_NAMES, 'survey'])('the guide has a worked example of ::: %s', (name) => {
  expect(examples.some((e) => new RegExp(`^::: ${name}\\b`, 'm').test(e))).toBe(true);
});

test('every Markdown example in the guide compiles without an error', () => {
  expect(examples.length).toBeGreaterThan(10);
  const failures: string[] = [];
  for (const example of examples) {
    // Front matter examples (course.md, a module, glossary.md) are read by the parser's own tests.
    if (example.startsWith('---')) continue;
    const problems: string[] = [];
    const ctx = context(problems);
    if (/^::: survey/m.test(example)) {
      const { block } = extractSurvey(example, ctx.problem);
      if (block) compileSurvey(block, ctx, ctx.problem);
    } else {
      compileBody(example, ctx, 'example', ctx.problem);
    }
    if (problems.length) failures.push(`${example.split('\n')[0]} → ${problems.join(', ')}`);
  }
  expect(failures).toEqual([]);
});

test('the guide renders with an id on every section, for its contents and for links to it', () => {
  const { html, contents } = renderGuide(guide);
  expect(contents.map((c) => c.text)).toEqual(expect.arrayContaining(['course.md', 'Special blocks', 'Knowledge check', 'Images, audio and video', 'Glossary']));
  for (const c of contents) expect(html).toContain(` id="${c.id}"`);
  expect(html).not.toContain('<h1');
  expect(html).toContain('<pre tabindex="0"><code class="language-markdown">::: check');
});
