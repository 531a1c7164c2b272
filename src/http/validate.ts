// Turns a zod schema's verdict on a form into field messages (translation keys) for the view.
import type { z } from 'zod';

/** A field's message: a translation key, or a key with values to put in it. */
export type FieldError = string | { key: string; params: Record<string, unknown> };
export type FieldErrors = Record<string, FieldError>;

export type FormResult<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors };

export function parseForm<S extends z.ZodType>(schema: S, body: unknown): FormResult<z.infer<S>> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return { ok: true, data: result.data };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? '_form');
    // Our schemas give translation keys as messages; zod's own defaults fall back to a generic one.
    errors[field] ??= issue.message.startsWith('validation.') ? issue.message : 'validation.invalid';
  }
  return { ok: false, errors };
}
