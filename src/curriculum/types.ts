// A course as published: metadata, and each module's HTML rendered once for this content version.
export const AUDIENCES = ['police', 'health', 'municipal', 'community', 'all'] as const;
export type Audience = (typeof AUDIENCES)[number];

export interface CompiledModule {
  /** Stable key from the file name (01-words-matter.md → words-matter): progress points here. */
  key: string;
  title: string;
  minutes: number;
  objectives: string[];
  contentWarning: string | null;
  html: string;
}

export interface CompiledCourse {
  slug: string;
  title: string;
  summary: string;
  audience: Audience[];
  minutes: number;
  hours: number | null;
  language: string;
  objectives: string[];
  versionNotes: string | null;
  overviewHtml: string;
  modules: CompiledModule[];
  /** sha256 of the renderer version and every source file: the version's identity. */
  contentHash: string;
}

export interface Problem {
  /** Path of the file the problem is in, as given to the checker. */
  file: string;
  line: number;
  message: string;
  severity: 'error' | 'warning';
}
