// What callers put in the outbox, and what the worker needs from a transport.
import type { SendMailOptions } from 'nodemailer';

export interface OutgoingEmail {
  /** What the message is, e.g. 'assignment_reminder': for logs and counts, never shown to anyone. */
  kind: string;
  /** One address. */
  to: string;
  subject: string;
  /** The plain-text body; every message has one. */
  text: string;
  /** An optional HTML alternative of the same content. */
  html?: string | null;
  /**
   * Names the event the message is for, e.g. `assignment:12:user:5:due-in-7-days`. The same key
   * enqueued twice (a double submit, a job run twice) is sent once, ever: include in it whatever
   * makes a second message legitimately different (a new due date, a new invitation id).
   */
  dedupeKey: string;
}

/** The part of a nodemailer transporter the worker uses (an SMTP one in production). */
export interface MailTransport {
  sendMail(message: SendMailOptions): Promise<unknown>;
}
