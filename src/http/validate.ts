// Turns a zod schema's verdict on a form into field messages (translation keys) for the view.
import type { z } from 'zod';

/** A field's message: a translation key, or a key with values to put in it. */
export type FieldError = string | { key: string; params: Record<string, unknown> };
export type FieldErrors = Record<string, FieldError>;

export type FormResult<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors };

/**
 * `messages` names where a feature keeps its field messages: the schemas' messages are keys under
 * `prefix`; zod's own defaults become the `fallback` key.
 */
export function parseForm<S extends z.ZodType>(
  schema: S,
  body: unknown,
  messages: { prefix: string; fallback: string } = { prefix: 'validation.', fallback: 'validation.invalid' },
): FormResult<z.infer<S>> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return { ok: true, data: result.data };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? '_form');
    errors[field] ??= issue.message.startsWith(messages.prefix) ? issue.message : messages.fallback;
  }
  return { ok: false, errors };
}
