// Two parts of course.md's front matter: how checks are graded (`grading:`) and what finishing the
// course takes (`completion:`). Their schemas, what they compile to, and the checks of names they
// refer to (modules, checks, the survey), which can only be made once every module is compiled.
//
//   grading:                    # every field optional; these are the defaults
//     pass_mark: 100            # percent of a check's marks needed to pass it
//     attempts: 3               # most attempts per check (default: no limit)
//     wait_minutes: 0           # wait after a wrong attempt before the next
//     shuffle: true             # options in each learner's own order (false: as written)
//     checks:                   # per check, by module key / check name
//       words-matter/border: { pass_mark: 50, attempts: 2 }
//   completion:
//     modules: all              # or a list of module keys
//     checks: answered          # none | answered | passed | a list of module-key/check-name to pass
//     post_survey: true         # the end-of-course survey must be answered
//     minimum_minutes: 3        # on each module before it may be marked complete
import { z } from 'zod';
import type { CheckSettings, CompletionRules, CompiledModule, GradingSettings } from './types';
import { SLUG } from './names';

export const DEFAULT_CHECK_SETTINGS: CheckSettings = { passMark: 100, maxAttempts: null, waitMinutes: 0, shuffle: true };

const settingsFields = {
  pass_mark: z.number().int('field.wholeNumber').min(1, 'field.positive').max(100, 'field.tooBig').optional(),
  attempts: z.number().int('field.wholeNumber').min(1, 'field.positive').max(100, 'field.tooBig').optional(),
  wait_minutes: z.number().int('field.wholeMinutes').min(0, 'field.notNegative').max(10080, 'field.tooBig').optional(),
  shuffle: z.boolean().optional(),
};

const CHECK_REF = /^[a-z0-9]+(?:-[a-z0-9]+)*\/[a-z0-9]+(?:-[a-z0-9]+)*$/;

export const gradingSchema = z.strictObject({
  ...settingsFields,
  checks: z.record(z.string().regex(CHECK_REF, 'field.checkRef'), z.strictObject(settingsFields)).optional(),
});

export const completionSchema = z.strictObject({
  modules: z.union([z.literal('all'), z.array(z.string().regex(SLUG, 'field.moduleKey')).min(1, 'field.listEmpty')], { error: 'field.completionModules' }).default('all'),
  checks: z.union([z.enum(['none', 'answered', 'passed']), z.array(z.string().regex(CHECK_REF, 'field.checkRef')).min(1, 'field.listEmpty')], { error: 'field.completionChecks' }).default('none'),
  post_survey: z.boolean().default(false),
  minimum_minutes: z.number().int('field.wholeMinutes').min(1, 'field.positive').max(600, 'field.tooBig').optional(),
});

/** `module-key/check-name` as authors write it → the check's id, `module-key--check-name`. */
export function checkIdOf(ref: string): string {
  return ref.replace('/', '--');
}

/** `module-key--check-name` → `module-key/check-name`, for messages. */
export function checkRefOf(id: string): string {
  return id.replace('--', '/');
}

type Settings = z.infer<typeof gradingSchema>;

function settingsOf(raw: Omit<Settings, 'checks'>): Partial<CheckSettings> {
  const out: Partial<CheckSettings> = {};
  if (raw.pass_mark !== undefined) out.passMark = raw.pass_mark;
  if (raw.attempts !== undefined) out.maxAttempts = raw.attempts;
  if (raw.wait_minutes !== undefined) out.waitMinutes = raw.wait_minutes;
  if (raw.shuffle !== undefined) out.shuffle = raw.shuffle;
  return out;
}

export function compileGrading(raw: Settings | undefined): GradingSettings {
  const checks: Record<string, Partial<CheckSettings>> = {};
  for (const [ref, s] of Object.entries(raw?.checks ?? {})) checks[checkIdOf(ref)] = settingsOf(s);
  return { defaults: { ...DEFAULT_CHECK_SETTINGS, ...settingsOf(raw ?? {}) }, checks };
}

export function compileCompletion(raw: z.infer<typeof completionSchema> | undefined): CompletionRules | null {
  if (!raw) return null;
  return {
    modules: raw.modules,
    checks: Array.isArray(raw.checks) ? raw.checks.map(checkIdOf) : raw.checks,
    postSurvey: raw.post_survey,
    minimumMinutes: raw.minimum_minutes ?? null,
  };
}

/** How one check is graded: the course's defaults with the check's own settings over them. */
export function settingsFor(grading: GradingSettings | undefined, checkId: string): CheckSettings {
  if (!grading) return DEFAULT_CHECK_SETTINGS;
  return { ...grading.defaults, ...(grading.checks[checkId] ?? {}) };
}

/**
 * Names the rules use that the course does not have: unknown modules and checks, a required
 * survey the course does not ask. Each is a problem key and its values, for the field it is in.
 */
export function unknownReferences(
  grading: GradingSettings,
  completion: CompletionRules | null,
  modules: Pick<CompiledModule, 'key' | 'checks'>[],
  hasSurvey: boolean,
): { field: 'grading' | 'completion'; key: string; params: Record<string, unknown> }[] {
  const out: { field: 'grading' | 'completion'; key: string; params: Record<string, unknown> }[] = [];
  const keys = new Set(modules.map((m) => m.key));
  const checks = new Set(modules.flatMap((m) => m.checks.map((c) => c.id)));
  for (const id of Object.keys(grading.checks)) {
    if (!checks.has(id)) out.push({ field: 'grading', key: 'rulesUnknownCheck', params: { ref: checkRefOf(id) } });
  }
  if (!completion) return out;
  if (Array.isArray(completion.modules)) {
    for (const key of completion.modules) if (!keys.has(key)) out.push({ field: 'completion', key: 'rulesUnknownModule', params: { key } });
  }
  if (Array.isArray(completion.checks)) {
    for (const id of completion.checks) if (!checks.has(id)) out.push({ field: 'completion', key: 'rulesUnknownCheck', params: { ref: checkRefOf(id) } });
  }
  if (completion.postSurvey && !hasSurvey) out.push({ field: 'completion', key: 'rulesNoSurvey', params: {} });
  return out;
}
