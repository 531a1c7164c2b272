// Invitation emails. The organization service is given an optional mail dependency (the outbox
// of src/mail/, wired by src/services.ts): a message is written in the same transaction as the
// invitation it carries, so it is sent exactly when the invitation exists. Without it, or when it
// is not enabled (no SMTP configured), the links are listed for the manager to copy instead.
import type { TFunction } from 'i18next';
import type { Db } from '../db/knex';
import { createI18n } from '../i18n';

export interface OutgoingMessage {
  kind: string;
  to: string;
  subject: string;
  text: string;
  /** The same key twice is one email: a retried transaction sends nothing twice. */
  dedupeKey: string;
}

export interface MailDependency {
  enabled: boolean;
  enqueue(trx: Db, message: OutgoingMessage): Promise<unknown>;
}

let english: TFunction | undefined;
/** Emails are written in the default language: the recipient's is not known yet. */
function t(): TFunction {
  english ??= createI18n().getFixedT('en');
  return english;
}

export function invitationMessage(i: { to: string; name: string; organizationName: string; link: string; expiresAt: Date; tokenHash: string; manager: boolean }): OutgoingMessage {
  const params = {
    name: i.name, organization: i.organizationName, link: i.link,
    date: new Intl.DateTimeFormat('en', { dateStyle: 'long', timeZone: 'UTC' }).format(i.expiresAt),
  };
  return {
    kind: 'organization-invitation',
    to: i.to,
    subject: t()('org.mail.subject', params),
    text: t()(i.manager ? 'org.mail.managerText' : 'org.mail.text', params),
    dedupeKey: `invitation:${i.tokenHash}`,
  };
}
