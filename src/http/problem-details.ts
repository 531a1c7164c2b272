// RFC 9457 problem details: how every error under /api/ is answered, in one shape whatever went
// wrong, so an API client reads one kind of body. `id` (an extension member) is the same stable
// error id the pages use; `type` is a URI made from it. An `invalid_parameter` problem also names
// the query parameter at fault.
import type { ErrorId, HttpError } from './errors';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  id: ErrorId;
  parameter?: string;
}

/**
 * A problem type's URI. A `tag:` URI (RFC 4151) names the type without promising a page at an
 * address this project does not control; the OpenAPI document lists the ids.
 */
export function problemType(id: ErrorId): string {
  return `tag:bridgework,2026:problem:${id}`;
}

type Translate = (key: string, params?: Record<string, unknown>) => string;

/** The problem for a known error, or for anything unexpected (`null`): a 500 that tells nothing of it. */
export function problemDetails(error: HttpError | null, t: Translate): ProblemDetails {
  const id: ErrorId = error?.id ?? 'internal';
  const problem: ProblemDetails = {
    type: problemType(id),
    title: t(`errors.${id}.title`),
    status: error?.status ?? 500,
    detail: error?.detail ? t(error.detail.key, error.detail.params) : t(`errors.${id}.message`),
    id,
  };
  const parameter = error?.detail?.params?.parameter;
  if (id === 'invalid_parameter' && typeof parameter === 'string') problem.parameter = parameter;
  return problem;
}
