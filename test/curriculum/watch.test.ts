// The dev watcher: one call per burst of saves, saves by rename seen every time, new folders
// watched, editor noise ignored, and the terminal report.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { watchFolder, describeSync, isEditorNoise, type FolderWatcher } from '../../src/curriculum/watch';

async function waitFor(what: string, check: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
const settle = () => new Promise((r) => setTimeout(r, 300));

let dir: string;
let watcher: FolderWatcher | undefined;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bw-watch-'));
  fs.mkdirSync(path.join(dir, 'course', 'media'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'course', '01-a.md'), 'one');
});
afterEach(() => {
  watcher?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a burst of writes is one call; saves by rename are seen every time; new folders are watched', async () => {
  let calls = 0;
  watcher = watchFolder(dir, () => { calls++; }, { debounceMs: 50 });
  const file = path.join(dir, 'course', '01-a.md');
  /** Does `change`, then waits for a call it caused. */
  const seen = async (what: string, change: () => void) => {
    const before = calls;
    change();
    await waitFor(what, () => calls > before);
  };

  await seen('a burst', () => { for (let i = 0; i < 5; i++) fs.writeFileSync(file, `burst ${i}`); });
  await settle();
  expect(calls).toBe(1);

  // vim and many IDEs write a new file and rename it over the old one: twice, to prove the second is seen.
  for (const n of [1, 2]) {
    await seen(`save by rename ${n}`, () => {
      fs.writeFileSync(`${file}.tmp`, `renamed ${n}`);
      fs.renameSync(`${file}.tmp`, file);
    });
  }
  await seen('a write after the renames', () => fs.writeFileSync(file, 'plain write'));
  await seen('a change in media/', () => fs.writeFileSync(path.join(dir, 'course', 'media', 'a.png'), 'png'));
  await seen('a new course folder', () => fs.mkdirSync(path.join(dir, 'second')));
  await settle();
  await seen('a file in the new folder', () => fs.writeFileSync(path.join(dir, 'second', 'course.md'), 'x'));

  // Swap and backup files change while typing, not on save.
  await settle();
  const before = calls;
  fs.writeFileSync(path.join(dir, 'course', '.01-a.md.swp'), 'swap');
  fs.writeFileSync(path.join(dir, 'course', '01-a.md~'), 'backup');
  await settle();
  expect(calls).toBe(before);
});

test('calls never overlap, and a change during a call causes one more; a failing call does not stop the watcher', async () => {
  let running = 0;
  let maxRunning = 0;
  let calls = 0;
  const errors: unknown[] = [];
  let release: () => void = () => {};
  watcher = watchFolder(dir, async () => {
    calls++;
    running++;
    maxRunning = Math.max(maxRunning, running);
    if (calls === 1) await new Promise<void>((r) => { release = r; });
    running--;
    if (calls === 2) throw new Error('boom');
  }, { debounceMs: 30, onError: (err) => errors.push(err) });
  const file = path.join(dir, 'course', '01-a.md');
  fs.writeFileSync(file, 'first');
  await waitFor('the first call', () => calls === 1);
  fs.writeFileSync(file, 'during the first call');
  await settle();
  expect(calls).toBe(1);
  release();
  await waitFor('the call for the change made during the first', () => calls === 2 && errors.length === 1);
  fs.writeFileSync(file, 'after the failure');
  await waitFor('a call after the failure', () => calls === 3);
  expect(maxRunning).toBe(1);
});

test('a folder that does not exist yet is watched once it appears', async () => {
  let calls = 0;
  const later = path.join(dir, 'later');
  watcher = watchFolder(later, () => { calls++; }, { debounceMs: 30, retryMs: 50 });
  fs.mkdirSync(later);
  await waitFor('the folder to be found', () => calls === 1);
  fs.writeFileSync(path.join(later, 'x.md'), 'x');
  await waitFor('a change in it', () => calls === 2);
});

test('editor noise and the terminal report', () => {
  expect(['.x.md.swp', 'x.md~', '#x.md#', '4913', 'x.md.swp'].every(isEditorNoise)).toBe(true);
  expect(['01-a.md', 'course.md', 'a.png', 'x.md.tmp'].some(isEditorNoise)).toBe(false);

  expect(describeSync({ published: [], problems: [] })).toBe('curriculum OK');
  expect(describeSync({ published: ['a', 'b'], problems: [] })).toBe('curriculum: republished a, b\ncurriculum OK');
  const report = describeSync({
    published: ['b'],
    problems: [
      { file: '/w/curriculum/a/01-x.md', line: 3, key: 'field.type', params: {}, message: 'field "minutes": must be a number', severity: 'error' },
      { file: '/w/curriculum/b/course.md', line: 9, key: 'headingLevel1', params: {}, message: 'a level-1 heading', severity: 'warning' },
    ],
  }, '/w');
  expect(report.split('\n')).toEqual([
    'curriculum: republished b',
    'curriculum: 1 error(s), 1 warning(s); a course with errors keeps its last published version',
    '  curriculum/a/01-x.md:3: field "minutes": must be a number',
    '  curriculum/b/course.md:9: warning: a level-1 heading',
  ]);
});
