// The typed errors a route, policy, service or store may throw. Each carries a stable id that
// callers and tests compare (never the status code alone), and that names its translated title and
// message (`errors.<id>` in the catalogs: a test checks every id has both). The one error handler
// (error-handler.ts) turns them into a page or JSON; anything else becomes a plain 500.

/** Every error id there is. Adding one means adding its title and message to the catalogs. */
export const ERROR_IDS = [
  'bad_request', 'unauthenticated', 'forbidden', 'csrf', 'not_found', 'too_large', 'too_many_requests', 'internal',
  'unprintable_name', 'email_taken', 'slug_taken', 'not_due', 'folder_course', 'course_owned_elsewhere',
  'too_many_certificates', 'invalid_zip', 'certificate_code_taken',
  'organization_name_taken', 'unit_name_taken', 'already_in_organization', 'invitation_unusable', 'invitation_other_account', 'last_manager',
  'invalid_token', 'invalid_parameter',
  'answer_empty', 'answer_unknown_option', 'form_tampered', 'attempts_used_up', 'attempt_too_soon', 'module_too_soon',
  'survey_not_open', 'evaluation_not_open',
  'last_admin', 'second_factor_required', 'account_erased',
] as const;
export type ErrorId = (typeof ERROR_IDS)[number];

/** A more specific message than the id's own: a translation key and its values. */
export interface ErrorDetail {
  key: string;
  params?: Record<string, unknown>;
}

export class HttpError extends Error {
  constructor(
    public readonly status: number,
    /** Stable id for clients, tests and translations, e.g. 'email_taken'. */
    public readonly id: ErrorId,
    public readonly detail: ErrorDetail | null = null,
  ) {
    super(detail ? `${id}: ${detail.key}` : id);
  }
}

export const badRequest = (id: ErrorId = 'bad_request', detail?: ErrorDetail) => new HttpError(400, id, detail);
export const forbidden = (id: ErrorId = 'forbidden', status: 403 | 409 = 403) => new HttpError(status, id);
export const notFound = () => new HttpError(404, 'not_found');
export const conflict = (id: ErrorId, detail?: ErrorDetail) => new HttpError(409, id, detail);
export const unprocessable = (id: ErrorId, detail?: ErrorDetail) => new HttpError(422, id, detail);
export const csrfFailed = () => new HttpError(403, 'csrf');
export const tooManyRequests = () => new HttpError(429, 'too_many_requests');
export const unauthenticated = () => new HttpError(401, 'unauthenticated');
