// Factories: the records a test needs, made directly through the services (users, published
// courses, enrolments, progress, completions and certificates), not by clicking through pages.
// Keep one real journey per behaviour in its own test; use these where a journey is only set-up.
import crypto from 'node:crypto';
import request from 'supertest';
import type { Express } from 'express';
import { KnexSessionStore, SESSION_COOKIE } from '../../src/http/session-store';
import { signSessionId } from '../../src/sessions/cookie';
import { systemClock } from '../../src/clock';
import type { Role, SessionUser } from '../../src/accounts/types';
import type { CertificateView } from '../../src/certificates/service';
import type { CompiledCourse } from '../../src/curriculum/types';
import type { CourseFiles } from '../../src/curriculum/parse';
import type { TestApp } from './app';
import { compileCourse, courseFiles, fixtureCourseFiles, type CourseSpec } from './course-files';
import { enrolSecondFactor } from './second-factor';

const DAY_MS = 24 * 60 * 60 * 1000;
export const FACTORY_PASSWORD = 'correct horse battery';

let counter = 0;
/** Unique per call in this worker, and across files sharing one PostgreSQL database. */
function unique(): string {
  return `${++counter}-${crypto.randomBytes(3).toString('hex')}`;
}

export interface MadeUser {
  user: SessionUser;
  email: string;
  password: string;
  /** The TOTP secret (base32) when the user has a second factor: every administrator, by default. */
  totpSecret?: string;
}

/**
 * A user of any role, made by the account service (as `bridgework users add` makes one).
 * Administrators must have a second factor, so one is enrolled for them unless `secondFactor` is
 * false (to test the enrolment they are sent to); others get one only when asked.
 */
export async function makeUser(t: TestApp, o: { role?: Role; name?: string; email?: string; password?: string; secondFactor?: boolean } = {}): Promise<MadeUser> {
  const role = o.role ?? 'learner';
  const email = o.email ?? `${role}-${unique()}@example.org`;
  const password = o.password ?? FACTORY_PASSWORD;
  const user = await t.services.accounts.createUser({ email, displayName: o.name ?? `Test ${role}`, password, role });
  const totpSecret = (o.secondFactor ?? role === 'admin') ? (await enrolSecondFactor(t, user)).secret : undefined;
  return { user, email, password, ...(totpSecret ? { totpSecret } : {}) };
}

export interface SignedIn {
  agent: request.Agent;
  /** The session's CSRF token: every form on every page of this agent carries it. */
  csrf: string;
}

/**
 * A supertest agent signed in as the user, without the sign-in journey: a session row written by
 * the app's own session store (as a successful sign-in leaves it, CSRF token included) and its
 * cookie signed with the configured secret, as src/sessions/cookie.ts signs it. Works for any app built
 * on the test app's database and config. The sign-in journey itself is tested in
 * test/http/accounts.test.ts.
 */
export async function signIn(t: TestApp, user: SessionUser, app: Express = t.app): Promise<SignedIn> {
  const sid = crypto.randomBytes(24).toString('base64url');
  const csrf = crypto.randomBytes(24).toString('base64url');
  const store = new KnexSessionStore(t.testDb.db, systemClock);
  // Cookies are dated by the wall clock (src/sessions/middleware.ts), so the session is dated by it too.
  await store.save(sid, JSON.stringify({ passport: { user: user.id }, csrfToken: csrf }), Date.now() + 14 * DAY_MS, user.id);
  const agent = request.agent(app);
  agent.jar.setCookie(`${SESSION_COOKIE}=${encodeURIComponent(signSessionId(sid, t.config.sessionSecret))}; Path=/; HttpOnly`, '127.0.0.1', '/');
  return { agent, csrf };
}

/** A new user of the role, and an agent signed in as them. */
export async function signedInUser(t: TestApp, o: { role?: Role; name?: string; app?: Express; secondFactor?: boolean } = {}): Promise<MadeUser & SignedIn> {
  const made = await makeUser(t, { role: o.role, name: o.name, secondFactor: o.secondFactor });
  return { ...made, ...(await signIn(t, made.user, o.app)) };
}

export interface PublishedCourse {
  slug: string;
  course: CompiledCourse;
  versionId: number;
}

/**
 * Publishes a course through the curriculum service, as the folder sync does: from a file set,
 * a small course described by `spec`, or (with `fixture`) a course of the fixture curriculum.
 * Publishing the same files again is a no-op; changed files make a new version.
 */
export async function publishCourse(t: TestApp, o: { slug?: string; spec?: CourseSpec; files?: CourseFiles; fixture?: string } = {}): Promise<PublishedCourse> {
  const slug = o.slug ?? o.fixture ?? `course-${unique().replace(/[^a-z0-9]/g, '')}`;
  const files = o.files ?? (o.fixture ? fixtureCourseFiles(o.fixture) : courseFiles(o.spec));
  const { course, mediaContent } = compileCourse(slug, files);
  const { versionId } = await t.services.curriculum.publish(course, 'test factory', mediaContent, { source: 'folder', files });
  return { slug, course, versionId };
}

/** Enrols the user (again is harmless), through the learning service. */
export async function enrol(t: TestApp, user: SessionUser, slug: string): Promise<void> {
  await t.services.learning.enrol(slug, user);
}

/** Enrols and completes the given modules, through the learning service (as the module pages do). */
export async function completeModules(t: TestApp, user: SessionUser, slug: string, keys: string[]): Promise<void> {
  await enrol(t, user, slug);
  for (const key of keys) await t.services.learning.completeModule(slug, key, user);
}

/**
 * Completes every module of the course's current version: the completion and the certificate are
 * written as a learner's last click writes them, dated by the test clock. Returns the certificate.
 */
export async function completeCourse(t: TestApp, user: SessionUser, slug: string): Promise<CertificateView> {
  const page = await t.services.learning.coursePage(slug, user);
  await completeModules(t, user, slug, page.course.modules.map((m) => m.key));
  const certificate = (await t.services.certificates.listForUser(user.id)).find((c) => c.courseSlug === slug && c.status !== 'superseded');
  if (!certificate) throw new Error(`completing ${slug} issued no certificate`);
  return certificate;
}

/** A learner (by default) who has finished the course, with their certificate. */
export async function certifiedUser(t: TestApp, slug: string, o: { role?: Role; name?: string } = {}): Promise<MadeUser & { certificate: CertificateView }> {
  const made = await makeUser(t, o);
  return { ...made, certificate: await completeCourse(t, made.user, slug) };
}
