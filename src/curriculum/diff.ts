// What changed from one published version of a course to another: for the version history
// (authoring) and for a learner who finished an earlier version (learning, through the service).
import type { CompiledCourse, CompiledModule } from './types';

export interface Changes {
  first: boolean;
  added: { key: string; title: string }[];
  removed: { key: string; title: string }[];
  edited: { key: string; title: string }[];
  reordered: boolean;
  detailsChanged: boolean;
}

/** The modules of a compiled course compared by key with the version before. */
export function diffCourses(before: CompiledCourse | null, after: CompiledCourse): Changes {
  if (!before) return { first: true, added: [], removed: [], edited: [], reordered: false, detailsChanged: false };
  const old = new Map(before.modules.map((m) => [m.key, m]));
  const now = new Map(after.modules.map((m) => [m.key, m]));
  const brief = (m: CompiledModule) => ({ key: m.key, title: m.title });
  const kept = after.modules.filter((m) => old.has(m.key)).map((m) => m.key);
  const keptBefore = before.modules.filter((m) => now.has(m.key)).map((m) => m.key);
  // Everything about the course but its modules (compared above), the notes that describe this
  // change, and the hash that identifies the version: a new refresher, completion rule, survey or
  // image is a change as much as a new title.
  const details = ({ modules: _modules, versionNotes: _notes, contentHash: _hash, ...rest }: CompiledCourse) => JSON.stringify(rest);
  return {
    first: false,
    added: after.modules.filter((m) => !old.has(m.key)).map(brief),
    removed: before.modules.filter((m) => !now.has(m.key)).map(brief),
    edited: after.modules.filter((m) => old.has(m.key) && JSON.stringify(m) !== JSON.stringify(old.get(m.key))).map(brief),
    reordered: kept.join('\n') !== keptBefore.join('\n'),
    detailsChanged: details(before) !== details(after),
  };
}
