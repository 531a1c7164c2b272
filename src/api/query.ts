// The query parameters of the API: each declared once (name, zod schema, description), used both
// to read a request and to write the OpenAPI document, so the two cannot disagree. Reading is
// strict: an unknown parameter, a repeated one or a value that does not fit is a 400 problem that
// names the parameter (a typo such as `?stauts=` must not silently return everything).
import { z } from 'zod';
import { HttpError } from '../http/errors';
import { DEFAULT_LIMIT, MAX_LIMIT } from './paging';

export interface ParameterSpec {
  name: string;
  description: string;
  /** Reads the query string's text; its input side is the parameter's JSON schema. */
  schema: z.ZodType;
}

/** A 400 problem naming the parameter (cut short: an unknown name is the client's text, echoed back). */
export function invalidParameter(parameter: string, reason = parameter): HttpError {
  return new HttpError(400, 'invalid_parameter', { key: `api.parameters.${reason}`, params: { parameter: parameter.slice(0, 60) } });
}

/** A whole number in range, written in digits only ("1e2", " 5" and "0x10" are refused). */
function integer(min: number, max: number) {
  return z.string().regex(/^[0-9]{1,9}$/).transform(Number).pipe(z.number().int().min(min).max(max)).meta({ type: 'integer', minimum: min, maximum: max });
}

const id = () => integer(1, 999_999_999);

export const limitParameter: ParameterSpec = {
  name: 'limit',
  description: `How many rows a page holds, 1 to ${MAX_LIMIT} (default ${DEFAULT_LIMIT}).`,
  schema: integer(1, MAX_LIMIT),
};

export const cursorParameter: ParameterSpec = {
  name: 'cursor',
  description: 'Where the page starts: the `cursor` of the previous page\'s `next` link. Opaque; never build one.',
  schema: z.string().min(1).max(400).regex(/^[A-Za-z0-9_-]+$/),
};

export const courseParameter: ParameterSpec = {
  name: 'course',
  description: 'Only this course: its id or its slug.',
  schema: z.union([id(), z.string().regex(/^[a-z0-9][a-z0-9-]{0,99}$/)]),
};

export const unitParameter: ParameterSpec = {
  name: 'unit',
  description: 'Only this unit of the organization (its id), or `none` for people in no unit.',
  schema: z.union([z.literal('none').transform(() => null), id()]),
};

export const learnerParameter: ParameterSpec = {
  name: 'learner',
  description: 'Only this learner (their id).',
  schema: id(),
};

/** `updated_since` and the like: `what` says which rows it keeps ("people who joined"). */
export const sinceParameter = (name: string, what: string): ParameterSpec => ({
  name,
  description: `Only ${what} at or after this time: an ISO 8601 date (\`2026-01-31\`, midnight UTC) or date and time with an offset (\`2026-01-31T08:00:00Z\`).`,
  schema: z.union([z.iso.date(), z.iso.datetime({ offset: true })]).transform((s) => new Date(s.length === 10 ? `${s}T00:00:00Z` : s)),
});

export const enumParameter = (name: string, values: readonly [string, ...string[]], description: string): ParameterSpec => ({
  name, description, schema: z.enum(values),
});

/**
 * Reads the query against the endpoint's parameters. Values come back as the schemas make them
 * (numbers, dates, null for `unit=none`); an absent parameter is absent.
 */
export function readQuery(specs: readonly ParameterSpec[], query: Record<string, unknown>): Record<string, unknown> {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const out: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(query)) {
    const spec = byName.get(name);
    if (!spec) throw invalidParameter(name, 'unknown');
    if (typeof raw !== 'string') throw invalidParameter(name, 'repeated');
    const result = spec.schema.safeParse(raw);
    if (!result.success) throw invalidParameter(name);
    out[name] = result.data;
  }
  return out;
}
