// Views compiled without `with (locals)` (src/http/templates.ts) see what they saw with it: the
// data's fields as variables, optional ones through `locals`, globals, a field shadowing a global,
// and a field whose name cannot be a variable through `locals`; data of a new shape gets its own
// function, and beyond a limit of shapes the view falls back to EJS's default compilation.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTemplates } from '../../src/http/templates';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bw-templates-'));
  fs.writeFileSync(path.join(dir, 'page.ejs'), [
    '<p><%= greet(name) %></p>',
    '<% if (locals.note) { %><em><%= note %></em><% } %>',
    '<i><%= Math.max(1, 2) %> <%= locals.default %> <%= typeof missing %></i>',
  ].join('\n'));
  fs.writeFileSync(path.join(dir, 'shadow.ejs'), '<%= JSON %>');
  fs.writeFileSync(path.join(dir, 'broken.ejs'), '<%= nowhere %>');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const greet = (n: string) => `Hello, ${n}`;

test('a view reads its data as variables, optional fields through locals, and globals', () => {
  const t = createTemplates(dir);
  expect(t.render('page', { greet, name: '<Ada>' }, true)).toBe('<p>Hello, &lt;Ada&gt;</p>\n\n<i>2  undefined</i>');
  expect(t.render('page', { greet, name: 'Bo', note: 'new', default: 'kept' }, true)).toBe('<p>Hello, Bo</p>\n<em>new</em>\n<i>2 kept undefined</i>');
});

test('a field shadows a global of the same name, as it did inside with', () => {
  expect(createTemplates(dir).render('shadow', { JSON: 'mine' }, true)).toBe('mine');
});

test('a name the data does not have is a ReferenceError, as it was inside with', () => {
  expect(() => createTemplates(dir).render('broken', { other: 1 }, true)).toThrow(/nowhere is not defined/);
});

test('each shape of data gets its own function, up to a limit, then the view is compiled with with', () => {
  const t = createTemplates(dir);
  for (let i = 0; i < 40; i++) {
    expect(t.render('page', { greet, name: `n${i}`, [`extra${i}`]: i }, true)).toContain(`Hello, n${i}`);
  }
});
