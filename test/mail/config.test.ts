// SMTP_URL and MAIL_FROM: email is off without SMTP_URL; a bad value stops the start with one
// line that never repeats a password; the banner line names the server without credentials.
import { ConfigError, loadConfig } from '../../src/config';
import { describeMail } from '../../src/mail/from-config';

const base = { DATA_DIR: '/tmp/bw-config-test', SESSION_SECRET: 'x'.repeat(32) };

test('without SMTP_URL email is off, with a From address made from the organization and BASE_URL', () => {
  const config = loadConfig({ ...base, ORGANIZATION_NAME: 'BC "Safer" Services', BASE_URL: 'https://learn.example.org' });
  expect(config.smtpUrl).toBeNull();
  expect(config.mailFrom).toBe('"BC Safer Services" <no-reply@learn.example.org>');
  expect(describeMail(config)).toBe('Email: off (set SMTP_URL to send reminders and invitations)');
  expect(loadConfig({ ...base, SMTP_URL: '' }).smtpUrl).toBeNull();
});

test('SMTP_URL and MAIL_FROM as given; the banner hides the credentials', () => {
  const config = loadConfig({ ...base, SMTP_URL: 'smtp://user:p%40ss@mail.example.org:587', MAIL_FROM: 'Training <training@example.org>' });
  expect(config.smtpUrl).toBe('smtp://user:p%40ss@mail.example.org:587');
  expect(config.mailFrom).toBe('Training <training@example.org>');
  expect(describeMail(config)).toBe('Email: sent through smtp://mail.example.org:587 from Training <training@example.org>');
  expect(loadConfig({ ...base, SMTP_URL: 'smtps://mail.example.org' }).smtpUrl).toBe('smtps://mail.example.org');
});

test('a bad SMTP_URL or MAIL_FROM is refused in one line, without the password', () => {
  for (const bad of ['http://user:secretpw@mail.example.org', 'mail.example.org:587', 'smtp:///nohost']) {
    expect(() => loadConfig({ ...base, SMTP_URL: bad })).toThrow(ConfigError);
    try {
      loadConfig({ ...base, SMTP_URL: bad });
    } catch (err) {
      expect((err as Error).message).toMatch(/^Invalid configuration: SMTP_URL: /);
      expect((err as Error).message).not.toContain('secretpw');
    }
  }
  for (const bad of ['training', 'a@example.org, b@example.org', 'Training <>']) {
    expect(() => loadConfig({ ...base, MAIL_FROM: bad })).toThrow(/^Invalid configuration: MAIL_FROM: must be one email address/);
  }
});
