// What to do after a failed send: how long to wait before the next attempt, whether there is any
// point in one, and what to record about the failure.

export interface RetryPolicy {
  /** The wait after the first failure; it doubles after each one. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** After this many attempts a message is given up on (marked failed and logged). */
  maxAttempts: number;
}

/** 1, 2, 4, ... minutes, capped at 4 hours; 12 attempts span about 20 hours. */
export const DEFAULT_RETRY: RetryPolicy = { firstDelayMs: 60_000, maxDelayMs: 4 * 60 * 60_000, maxAttempts: 12 };

/** The wait after the `attempts`-th failed attempt (1 for the first). */
export function retryDelayMs(attempts: number, policy: RetryPolicy = DEFAULT_RETRY): number {
  const doublings = Math.min(Math.max(attempts - 1, 0), 40);
  return Math.min(policy.firstDelayMs * 2 ** doublings, policy.maxDelayMs);
}

interface SmtpError {
  code?: unknown;
  responseCode?: unknown;
  command?: unknown;
  message?: unknown;
}

/**
 * A 5xx answer to the recipient or to the message itself will be the same next time (no such
 * mailbox, message refused). Everything else, including a 5xx to the login or to MAIL FROM, is
 * retried: those are the operator's to fix (credentials, sender address) and no message should
 * be lost while they do.
 */
export function isPermanentFailure(err: unknown): boolean {
  const e = (err ?? {}) as SmtpError;
  const code = Number(e.responseCode);
  return code >= 500 && code < 600 && (e.command === 'RCPT TO' || e.command === 'DATA');
}

/**
 * A short description of a failure for `outbox.last_error`: the error code, the SMTP answer, no
 * credentials (anything shaped like user:password@ is masked), on one line.
 */
export function describeFailure(err: unknown): string {
  const e = (err ?? {}) as SmtpError;
  const parts = [typeof e.code === 'string' ? e.code : 'ERROR'];
  if (typeof e.command === 'string') parts.push(`at ${e.command}`);
  const message = typeof e.message === 'string' ? e.message : String(err);
  return `${parts.join(' ')}: ${message}`
    .replace(/\/\/[^\s/@]*@/g, '//***@')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 300);
}
