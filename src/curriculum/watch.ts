// Watching the curriculum folder for `npm run dev`: one call per burst of saves, whatever the editor.
//
// Each directory is watched on its own rather than with `fs.watch(dir, { recursive: true })`: on
// Linux, Node 20 builds the recursive mode from one watch per file, and a file an editor saves by
// writing a new file and renaming it over the old one (vim, many IDEs) is never seen again. A
// directory watch reports writes, creations and renames of its entries, so it survives such saves.
import fs from 'node:fs';
import path from 'node:path';
import { formatProblem } from './parse';
import type { Problem } from './types';

export interface FolderWatcher {
  close(): void;
}

export interface WatchOptions {
  /** Quiet time after the last event before `onChange` runs. */
  debounceMs?: number;
  /** How often to look for the folder while it does not exist. */
  retryMs?: number;
  /** Called with anything `onChange` throws; the watcher goes on. */
  onError?: (err: unknown) => void;
}

/** Root, course folders, media/: deeper folders are not part of a course. */
const MAX_DEPTH = 3;

/** Editors' swap, backup and lock files: they change while typing, not when a file is saved. */
export function isEditorNoise(name: string): boolean {
  const base = path.basename(name);
  return base.startsWith('.') || base.endsWith('~') || /^#.*#$/.test(base) || /\.sw[a-p]$/.test(base) || base === '4913';
}

function listDirs(root: string): string[] {
  const dirs: string[] = [];
  const walk = (dir: string, depth: number) => {
    dirs.push(dir);
    if (depth >= MAX_DEPTH) return;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // removed while we looked: the next event looks again
    }
    for (const e of entries) {
      if (e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules') walk(path.join(dir, e.name), depth + 1);
    }
  };
  if (fs.existsSync(root)) walk(root, 1);
  return dirs;
}

/**
 * Calls `onChange` once after each burst of changes anywhere under `root` (new, changed, renamed
 * or deleted files and folders). Calls never overlap: changes during a call cause one more call
 * after it. A missing folder is looked for again until it appears.
 */
export function watchFolder(root: string, onChange: () => Promise<void> | void, options: WatchOptions = {}): FolderWatcher {
  const { debounceMs = 200, retryMs = 1000, onError = () => {} } = options;
  const watchers = new Map<string, fs.FSWatcher>();
  let timer: NodeJS.Timeout | null = null;
  let poll: NodeJS.Timeout | null = null;
  let running = false;
  let pending = false;
  let closed = false;

  const schedule = () => {
    if (closed) return;
    if (running) {
      pending = true;
      return;
    }
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void fire(), debounceMs);
  };

  /** Watches every folder there is now, and forgets the ones that are gone. */
  const refresh = () => {
    const dirs = new Set(listDirs(root));
    for (const [dir, w] of watchers) {
      if (!dirs.has(dir)) {
        w.close();
        watchers.delete(dir);
      }
    }
    for (const dir of dirs) {
      if (watchers.has(dir)) continue;
      try {
        const w = fs.watch(dir, (_event, name) => {
          if (name && isEditorNoise(String(name))) return;
          schedule();
        });
        w.on('error', () => {
          w.close();
          watchers.delete(dir);
          schedule();
        });
        watchers.set(dir, w);
      } catch {
        // Gone between listing and watching: its parent's watch reports that.
      }
    }
    if (!watchers.has(root) && !poll) {
      poll = setInterval(() => {
        if (!fs.existsSync(root)) return;
        clearInterval(poll!);
        poll = null;
        schedule();
      }, retryMs);
    }
  };

  const fire = async () => {
    timer = null;
    if (closed) return;
    running = true;
    try {
      refresh();
      await onChange();
    } catch (err) {
      if (!closed) onError(err);
    } finally {
      running = false;
    }
    if (pending) {
      pending = false;
      schedule();
    }
  };

  refresh();
  return {
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      if (poll) clearInterval(poll);
      for (const w of watchers.values()) w.close();
      watchers.clear();
    },
  };
}

/** What a sync did, for the terminal: republished courses, then each problem as `path:line: message`, or "curriculum OK". */
export function describeSync({ published, problems }: { published: string[]; problems: Problem[] }, cwd = process.cwd()): string {
  const lines: string[] = [];
  if (published.length) lines.push(`curriculum: republished ${published.join(', ')}`);
  const errors = problems.filter((p) => p.severity === 'error').length;
  if (problems.length === 0) {
    lines.push('curriculum OK');
  } else {
    lines.push(`curriculum: ${errors} error(s), ${problems.length - errors} warning(s)${errors ? '; a course with errors keeps its last published version' : ''}`);
    for (const p of problems) lines.push(`  ${formatProblem(p, cwd)}`);
  }
  return lines.join('\n');
}
