// The few typed errors a route or service may throw. The error handler turns each into a page or
// JSON with its status; anything else becomes a plain 500 with its message hidden.
export class HttpError extends Error {
  constructor(
    public readonly status: number,
    /** Stable id for clients and translations, e.g. 'not_found'. */
    public readonly id: string,
    message?: string,
  ) {
    super(message ?? id);
  }
}

export const badRequest = (message?: string) => new HttpError(400, 'bad_request', message);
export const forbidden = (message?: string) => new HttpError(403, 'forbidden', message);
export const notFound = (message?: string) => new HttpError(404, 'not_found', message);
export const conflict = (message?: string) => new HttpError(409, 'conflict', message);
export const csrfFailed = () => new HttpError(403, 'csrf', 'The form expired or was sent from elsewhere.');
export const tooManyRequests = () => new HttpError(429, 'too_many_requests');
