// The special blocks: each compiles to what the learner sees, and each mistake is named by line.
import { compileBody } from '../../src/curriculum/blocks';
import type { RenderContext } from '../../src/curriculum/render';
import { createI18n } from '../../src/i18n';

const english = createI18n().getFixedT('en');

function compile(body: string) {
  const problems: string[] = [];
  const ctx: RenderContext = {
    slug: 'c',
    glossary: new Map([['harm reduction', 'term-harm-reduction']]),
    media: (p) => (p === 'media/clip.mp4' ? '/courses/c/media/abc/clip.mp4' : undefined),
    modules: new Map([['02-next.md', '/courses/c/modules/next']]),
    label: (k) => `[${k}]`,
    problem: (line, key, params = {}, severity = 'error') => problems.push(`${line}: ${severity === 'warning' ? 'warning: ' : ''}${english(`problems.${key}`, params)}`),
  };
  const out = compileBody(body, ctx, 'mod', ctx.problem);
  const html = out.segments.map((s) => (s.kind === 'html' ? s.html : `[${s.kind}:${s.id}]`)).join('');
  return { out, html, problems };
}

test('a check keeps its answers and feedback out of the page HTML', () => {
  const { out, html, problems } = compile('Intro\n\n::: check\nWhy?\n\n- [ ] Because.\n  > No.\n- [x] Because **so**.\n  > Yes.\n:::\n');
  expect(problems).toEqual([]);
  expect(html).toBe('<p>Intro</p>\n[check:mod--check-1]');
  expect(out.checks[0]).toEqual({
    id: 'mod--check-1', questionHtml: '<p>Why?</p>\n', multiple: false, kind: 'single', keepOrder: false,
    options: [
      { html: 'Because.', correct: false, feedbackHtml: '<p>No.</p>\n' },
      { html: 'Because <strong>so</strong>.', correct: true, feedbackHtml: '<p>Yes.</p>\n' },
    ],
  });
});

test('check mistakes are reported at their lines', () => {
  const { problems } = compile('::: check\n- [ ] A\n- B\n:::\n\n::: check\nQ?\n\n- [ ] A\n  > a\n- [ ] B\n  > b\n:::\n\n::: check\nQ?\n- [x] Only one\n:::');
  expect(problems).toEqual(expect.arrayContaining([
    '2: the knowledge check has no question: write it above the options',
    '2: warning: this option has no feedback: add a line "  > why it is right or wrong" under it',
    '3: each option starts with "[ ]" (wrong) or "[x]" (correct), e.g. "- [x] No."',
    '6: no option is marked correct: write "[x]" on the right one(s)',
    '15: a knowledge check needs at least two options ("- [ ] ..." lines)',
  ]));
});

test('unknown, unclosed, nested and stray blocks are named', () => {
  expect(compile('::: quizz\nx\n:::').problems).toContain('1: unknown block "::: quizz": use one of check, reflection, scenario, note, tip, caution, voice, video, audio');
  expect(compile('text\n::: note\nx\n').problems).toContain('2: the "::: note" block is not closed: add a line ":::" after its content');
  expect(compile('::: note\n::: tip\nx\n:::').problems).toContain('2: blocks cannot be nested: close the "::: note" block from line 1 with ":::" first');
  expect(compile('x\n:::\n').problems).toContain('2: a closing ":::" without an opening "::: name" line above it');
  expect(compile('::: note\n\n:::').problems).toContain('1: the "::: note" block is empty');
});

test('a block inside a fenced code sample is just text', () => {
  const { problems, html } = compile('```\n::: check\n```\n');
  expect(problems).toEqual([]);
  expect(html).toContain('::: check');
});

test('scenarios branch; every choice must say what follows', () => {
  const { html, problems } = compile('::: scenario Title\nSituation.\n\n- Go left\n  > Left happens.\n  - Then up\n    > Up happens.\n- Go right\n:::');
  expect(problems).toEqual(['8: say what follows this choice: add a line "  > what happens" under it']);
  expect(html).toContain('<h3 class="block-title">Title</h3>');
  expect(html).toMatch(/<details class="choice"><summary>Go left<\/summary><div class="outcome"><p>Left happens.<\/p>\n<div class="choices"><details class="choice"><summary>Then up<\/summary>/);
});

test('callouts, voices, reflections and media render with their labels', () => {
  const { html, out, problems } = compile('::: caution\nCareful.\n:::\n\n::: voice Someone, in [Krüsi 2014]\n"Quote."\n:::\n\n::: reflection\nThink.\n:::\n\n::: video media/clip.mp4\nTranscript here.\n:::\n\n::: audio media/missing.mp3\nT.\n:::');
  expect(html).toContain('<div class="block callout caution" role="note"><p class="callout-title">[blocks.caution]</p>');
  expect(html).toContain('<figcaption>Someone, in [Krüsi 2014]</figcaption>');
  expect(out.reflections).toEqual([{ id: 'mod--reflection-1', promptHtml: '<p>Think.</p>\n' }]);
  expect(html).toContain('<video controls preload="none" src="/courses/c/media/abc/clip.mp4"></video>');
  expect(html).toContain('<summary>[blocks.transcript]</summary><p>Transcript here.</p>');
  expect(problems).toEqual(['17: "media/missing.mp3" is not in this course\'s media/ folder: put missing.mp3 in the course folder\'s media/ (c/media/)']);
});

test('links, images and glossary terms are checked', () => {
  const { html, problems } = compile('[[harm reduction]] and [[unknown thing]].\n\n[next](02-next.md) [gone](03-gone.md) [web](https://example.org)\n\n![](media/none.png)');
  expect(html).toContain('<a class="term" href="/courses/c/glossary#term-harm-reduction">harm reduction</a>');
  expect(html).toContain('<a href="/courses/c/modules/next">next</a>');
  expect(html).toContain('<a href="https://example.org" rel="noopener noreferrer">web</a>');
  expect(problems).toEqual([
    '1: "unknown thing" is not defined in glossary.md: add it there, or remove the [[ ]]',
    '3: link to "03-gone.md" leads nowhere: link another module by its file name (e.g. 02-next-topic.md), a file in media/, a full https:// address, or a phone number written tel:+18005630808',
    '5: image "media/none.png" has no alt text: describe what it shows, e.g. ![A bad-date report form](media/none.png)',
    '5: image "media/none.png" is not in this course\'s media/ folder: put none.png in the course folder\'s media/ (c/media/) and write media/none.png',
  ]);
});
