// A course as published: metadata, and each module rendered once for this content version.
export const AUDIENCES = ['police', 'health', 'municipal', 'community', 'all'] as const;
export type Audience = (typeof AUDIENCES)[number];

/**
 * What a graded question is: one right option, several ("choose all that apply"), true or false
 * (shown in that order, never shuffled), or a scenario whose choices are marked.
 */
export const CHECK_KINDS = ['single', 'multiple', 'true-false', 'scenario'] as const;
export type CheckKind = (typeof CHECK_KINDS)[number];

/**
 * A knowledge check, or a scenario whose choices are marked right or wrong. `correct` and
 * `feedbackHtml` stay on the server until the learner answers.
 */
export interface CompiledCheck {
  id: string;
  questionHtml: string;
  multiple: boolean;
  options: { html: string; correct: boolean; feedbackHtml: string | null }[];
  /** Absent in versions published before grading: 'multiple' when `multiple`, else 'single'. */
  kind?: CheckKind;
  /** The author pinned the order (`::: check name keep-order`), or it is a true/false check. */
  keepOrder?: boolean;
  /** A graded scenario's title, when it has one. */
  titleHtml?: string | null;
}

/** How a check is graded. Each field may be set for the course and overridden per check. */
export interface CheckSettings {
  /** Percent of the check's marks needed to pass it (100: everything right). */
  passMark: number;
  /** Most attempts a learner may make, or null for no limit. */
  maxAttempts: number | null;
  /** Minutes a learner waits after a wrong attempt before the next one. */
  waitMinutes: number;
  /** Options are shown in an order of each learner's own (stable across reloads). */
  shuffle: boolean;
}

export interface GradingSettings {
  defaults: CheckSettings;
  /** By check id (`module-key--name`). */
  checks: Record<string, Partial<CheckSettings>>;
}

/** What finishing a course takes, when the course declares it (`completion:` in course.md). */
export interface CompletionRules {
  /** Module keys to mark complete, or every module. */
  modules: 'all' | string[];
  /** No check, every check answered, every check passed, or the listed checks (ids) passed. */
  checks: 'none' | 'answered' | 'passed' | string[];
  /** The end-of-course survey must be answered. */
  postSurvey: boolean;
  /** Minutes a learner must spend on each module before marking it complete, or null. */
  minimumMinutes: number | null;
}

/** One statement of a pre/post survey. */
export interface SurveyItem {
  /** Stable name within the course: pre and post answers are paired by it. */
  id: string;
  /** Attitude items use a 5-point agreement scale; knowledge items true / false / not sure. */
  kind: 'attitude' | 'knowledge';
  textHtml: string;
  /** An attitude item whose agreement is the stigmatizing view: recoded (6 - answer) for scoring. */
  reversed: boolean;
  /** A knowledge item's right answer. */
  answer: 'true' | 'false' | null;
}

export interface CompiledSurvey {
  introHtml: string;
  items: SurveyItem[];
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
  /**
   * A page made to print and keep (a referral list, a "next shift" sheet): no checks or
   * reflections. Absent in versions published before the field existed.
   */
  handout?: boolean;
  segments: Segment[];
  checks: CompiledCheck[];
  reflections: CompiledReflection[];
}

/** Where a part of a course stands in review before it is used in training. */
export const REVIEW_STATUSES = ['needed', 'in-progress', 'done'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

export interface ReviewEntry {
  /** The part reviewed: "Module 3", "The scenarios", "The whole course". */
  part: string;
  /** Who should review it: "Paid Indigenous reviewers", "People with lived experience of sex work". */
  by: string;
  status: ReviewStatus;
  /** When the review was done (YYYY-MM-DD), or null. */
  date: string | null;
  note: string | null;
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
  /**
   * The course's record of review, shown on its page so an organization can see what has and has
   * not been reviewed. Absent in versions published before the field existed.
   */
  review?: ReviewEntry[];
  /** How checks are graded. Absent in versions published before grading: the defaults apply. */
  grading?: GradingSettings;
  /** What finishing takes; null (or absent): every module marked complete, as before rules existed. */
  completion?: CompletionRules | null;
  /** The attitude and knowledge survey asked before the first module and again at the end. */
  survey?: CompiledSurvey | null;
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
  /** 1-based; 0 (NO_LINE) for a problem about a whole file, such as a media file. */
  line: number;
  /** Translation key under `problems.`, and the values to put in it. */
  key: string;
  params: Record<string, unknown>;
  /** The English text, for the terminal and the logs. */
  message: string;
  severity: 'error' | 'warning';
}
