// The SMTP side: the transport made from SMTP_URL, and the headers that make a message
// recognisable when it has to be sent again.
import crypto from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import addressparser from 'nodemailer/lib/addressparser';

/**
 * nodemailer's default socket timeout is 10 minutes: a server that stops answering would hold
 * the worker (and its lease) that long. These bound one send to about a minute.
 */
const TIMEOUTS = { connectionTimeout: 20_000, greetingTimeout: 20_000, socketTimeout: 30_000 };

export function createSmtpTransport(smtpUrl: string): Transporter {
  // Messages are built from our own text only: no attachment may read a file or fetch a URL.
  return nodemailer.createTransport({ url: smtpUrl, ...TIMEOUTS, disableFileAccess: true, disableUrlAccess: true });
}

/** Where mail goes, without the credentials: for the start banner and logs. */
export function describeSmtpUrl(smtpUrl: string): string {
  const url = new URL(smtpUrl);
  return `${url.protocol}//${url.host}`;
}

/** The domain part of the From address, for Message-IDs. */
export function fromDomain(from: string): string {
  const [first] = addressparser(from, { flatten: true });
  const at = first?.address.lastIndexOf('@') ?? -1;
  return at >= 0 ? first.address.slice(at + 1).toLowerCase() : 'localhost';
}

/**
 * The Message-ID of an outbox row, the same on every attempt: if the process dies after the
 * SMTP server accepted a message but before it was marked sent, the message goes out again
 * with the same id, and receivers (and their mail providers) can tell it is the same message.
 * The creation time and dedupe key keep two databases (a test install, a restored backup) from
 * reusing an id for a different message, which some providers would silently drop.
 */
export function messageIdFor(row: { id: number; createdAt: Date; dedupeKey: string }, domain: string): string {
  const key = crypto.createHash('sha256').update(row.dedupeKey).digest('hex').slice(0, 16);
  return `<bridgework.${row.id}.${row.createdAt.getTime()}.${key}@${domain}>`;
}
