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

/**
 * Marks an error thrown by `authorize`: the refusal is logged once, with the route and its
 * capability, by `logPolicyDenials` (src/http/guards.ts), which has the request this has not.
 */
export const POLICY_DENIAL = Symbol('policyDenial');
export type PolicyDenial = { [POLICY_DENIAL]: ErrorId };

/** Throws the refusal, if it is one, for the error handler to show. */
export function authorize(decision: Decision): void {
  if (decision.allowed) return;
  const refusal = decision.status === 404 ? notFound() : forbidden(decision.reason, decision.status);
  throw Object.assign(refusal, { [POLICY_DENIAL]: decision.reason });
}
