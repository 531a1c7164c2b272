// Shared by the bench orchestrator (bench.ts) and its server children (server.ts).
import { loadConfig, type Config } from '../../src/config';
import { codeAt } from '../../src/accounts/totp';

/** What the parent tells a server child, as JSON in BENCH_SETUP. */
export interface ServerSetup {
  /** a: bare node:http; b: Express floor (no session, no database); c: the real app. */
  mode: 'bare' | 'floor' | 'app';
  tmpDir: string;
  dbFile: string;
  curriculumDir: string;
  /** bare: the captured page to serve verbatim. */
  pageFile?: string;
  /** floor: the page, its learner and the CSRF token to render (the captured page's). */
  floor?: {
    slug: string;
    moduleKey: string;
    user: { id: number; email: string; displayName: string; role: 'learner'; locale: string; membership: null };
    csrfToken: string;
    /** The session-warning dialog's figures as the captured page shows them (src/sessions/timeouts.ts). */
    sessionTimeLeft: { seconds: number; warnSeconds: number; final: boolean };
  };
}

/** What a server child reports for the requests since the last reset. */
export interface ServerStats {
  requests: number;
  /** CPU time of the server process (user + system), microseconds. */
  cpuMicros: number;
  /** The real app only: SQL statements and session-store calls. */
  app: AppStats | null;
}

export interface AppStats {
  statements: number;
  reads: number;
  writes: number;
  byVerb: Record<string, number>;
  storeGet: number;
  storeSet: number;
  storeTouch: number;
}

export type ChildMessage =
  | { type: 'ready'; port: number }
  | { type: 'stats'; stats: ServerStats }
  | { type: 'profiled'; file: string | null };

/** `count`: the real app counts its statements and session-store calls only while asked (see server.ts). */
export type ParentMessage = { type: 'stats'; reset: boolean } | { type: 'count'; on: boolean } | { type: 'stop' };

export const BENCH_PASSWORD = 'bench password, not secret';

/** The app's configuration for the bench, through the real loader (so new settings get their defaults). */
export function benchConfig(setup: Pick<ServerSetup, 'tmpDir' | 'curriculumDir'>): Config {
  return loadConfig({
    PORT: '0',
    DATA_DIR: setup.tmpDir,
    BASE_URL: 'http://bridgework.bench',
    SESSION_SECRET: 'bench-secret-bench-secret-bench-secret-42',
    CURRICULUM_DIR: setup.curriculumDir,
    LOG_LEVEL: 'silent',
    ORGANIZATION_NAME: 'Bridgework Bench',
    SIGNATORY_NAME: 'A. Signer',
    SIGNATORY_TITLE: 'Director of Training',
    PAPER_SIZE: 'LETTER',
  });
}

/**
 * Signs in through the real /login; the session cookie. With `totpSecret` (an administrator, who
 * must have a second factor) the second step is answered with the code of the moment, as the
 * person's authenticator app would show it.
 */
export async function logIn(base: string, email: string, totpSecret?: string): Promise<string> {
  const cookieOf = (res: Response) => res.headers.getSetCookie().find((c) => c.startsWith('bw.sid='))?.split(';')[0];
  const tokenOf = async (res: Response) => /name="_csrf" value="([^"]+)"/.exec(await res.text())?.[1] ?? '';
  const post = (path: string, cookie: string, form: Record<string, string>) => fetch(`${base}${path}`, {
    method: 'POST', redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams(form).toString(),
  });
  const page = await fetch(`${base}/login`);
  const pre = cookieOf(page);
  const token = await tokenOf(page);
  if (!pre || !token) throw new Error(`login page gave no session or CSRF token (status ${page.status})`);
  const res = await post('/login', pre, { _csrf: token, email, password: BENCH_PASSWORD });
  await res.arrayBuffer();
  let cookie = cookieOf(res);
  if (res.status !== 303 || !cookie) throw new Error(`login as ${email} failed: ${res.status}`);
  if (totpSecret) {
    const step = await fetch(`${base}/login/second-factor`, { headers: { cookie } });
    const done = await post('/login/second-factor', cookie, { _csrf: await tokenOf(step), code: codeAt(totpSecret, new Date()) });
    await done.arrayBuffer();
    cookie = cookieOf(done);
    if (done.status !== 303 || !cookie) throw new Error(`second step for ${email} failed: ${done.status}`);
  }
  return cookie;
}
