// One schema per authoring form. Messages are translation keys (author.validation.*), shown beside
// the field; the form keeps what the trainer typed.
import { z } from 'zod';
import { AUDIENCES } from '../curriculum/types';
import { MAX_SLUG_LENGTH, SLUG } from '../curriculum/names';
import { parseForm, type FormResult } from '../http/validate';

const text = (max: number, required: string, tooLong: string) =>
  z.string().transform((s) => s.trim()).pipe(z.string().min(1, required).max(max, tooLong));

const list = (v: unknown) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

export const createCourseSchema = z.object({
  slug: z.string().transform((s) => s.trim().toLowerCase())
    .pipe(z.string().min(1, 'author.validation.slugRequired').max(MAX_SLUG_LENGTH, 'author.validation.slugTooLong').regex(SLUG, 'author.validation.slugFormat')),
  title: text(200, 'author.validation.titleRequired', 'author.validation.titleTooLong'),
  summary: text(500, 'author.validation.summaryRequired', 'author.validation.summaryTooLong'),
  audience: z.preprocess(list, z.array(z.enum(AUDIENCES, { message: 'author.validation.audienceRequired' })).min(1, 'author.validation.audienceRequired')),
  minutes: z.string().trim().regex(/^\d{1,4}$/, 'author.validation.minutes').transform(Number)
    .pipe(z.number().int().min(1, 'author.validation.minutes').max(6000, 'author.validation.minutes')),
});
export type CreateCourseInput = z.infer<typeof createCourseSchema>;

export const addModuleSchema = z.object({
  title: text(200, 'author.validation.titleRequired', 'author.validation.titleTooLong'),
});

export const moveSchema = z.object({ direction: z.enum(['up', 'down']) });

export const publishSchema = z.object({
  notes: z.string().optional().transform((s) => s?.trim() ?? '').pipe(z.string().max(2000, 'author.validation.notesTooLong')),
});

export const saveFileSchema = z.object({
  text: z.string({ message: 'author.validation.textMissing' }),
  base: z.string().regex(/^([0-9a-f]{64})?$/).default(''),
  intent: z.enum(['save', 'preview']).default('save'),
});

export type { FieldErrors } from '../http/validate';

/** http/validate's parseForm, for messages under `author.`. */
export function parseAuthorForm<S extends z.ZodType>(schema: S, body: unknown): FormResult<z.infer<S>> {
  return parseForm(schema, body, { prefix: 'author.', fallback: 'author.validation.invalid' });
}
