// A course as published: metadata, and each module rendered once for this content version.
export const AUDIENCES = ['police', 'health', 'municipal', 'community', 'all'] as const;
export type Audience = (typeof AUDIENCES)[number];

/** A knowledge check. `correct` and `feedbackHtml` stay on the server until the learner answers. */
export interface CompiledCheck {
  id: string;
  questionHtml: string;
  multiple: boolean;
  options: { html: string; correct: boolean; feedbackHtml: string | null }[];
}

export interface CompiledReflection {
  id: string;
  promptHtml: string;
}

/**
 * A module body is a sequence of segments: HTML made by our renderer (safe to output raw), and
 * the interactive blocks the page renders with the learner's own state.
 */
export type Segment =
  | { kind: 'html'; html: string }
  | { kind: 'check'; id: string }
  | { kind: 'reflection'; id: string };

export interface CompiledModule {
  /** Stable key from the file name (01-words-matter.md → words-matter): progress points here. */
  key: string;
  title: string;
  minutes: number;
  objectives: string[];
  contentWarning: string | null;
  segments: Segment[];
  checks: CompiledCheck[];
  reflections: CompiledReflection[];
}

export interface MediaFile {
  /** Path inside the course folder, e.g. media/form.png. */
  path: string;
  sha256: string;
  contentType: string;
  size: number;
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
  validityMonths: number | null;
  /** Slug of a shorter course that renews this one's certificate when it expires. */
  refresher: string | null;
  overviewHtml: string;
  modules: CompiledModule[];
  glossary: { term: string; anchor: string; definitionHtml: string }[];
  media: MediaFile[];
  /** sha256 of the renderer version and every source file: the version's identity. */
  contentHash: string;
}

export interface Problem {
  /** Path of the file the problem is in, as given to the checker. */
  file: string;
  line: number;
  /** Translation key under `problems.`, and the values to put in it. */
  key: string;
  params: Record<string, unknown>;
  /** The English text, for the terminal and the logs. */
  message: string;
  severity: 'error' | 'warning';
}
