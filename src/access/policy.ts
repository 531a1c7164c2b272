// What every feature's policy answers: allowed, or not with a reason (an error id the user is
// shown). Routes turn a refusal into an error with `authorize`, so the reason reaches the page.
import { forbidden, notFound, type ErrorId } from '../http/errors';

export type Decision = { allowed: true } | { allowed: false; reason: ErrorId; status: 403 | 404 | 409 };

export const allow: Decision = { allowed: true };

/** Refused; the user may know the record exists. */
export function deny(reason: ErrorId = 'forbidden', status: 403 | 409 = 403): Decision {
  return { allowed: false, reason, status };
}

/** Refused so as to reveal nothing: the record is, to this user, not there at all. */
export const hidden: Decision = { allowed: false, reason: 'not_found', status: 404 };

/** Throws the refusal, if it is one, for the error handler to show. */
export function authorize(decision: Decision): void {
  if (decision.allowed) return;
  if (decision.status === 404) throw notFound();
  throw forbidden(decision.reason, decision.status);
}
