// The `bridgework` command: curriculum check, users add, migrate, backup, restore, privacy retention.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import { createDb } from '../db/knex';
import { migrateLatest } from '../db/migrate';
import { systemClock } from '../clock';
import { createAccountService } from '../accounts/service';
import { addUserSchema } from '../accounts/schemas';
import { parseCourseDir, parseCurriculum, formatProblem } from '../curriculum/parse';
import { HttpError } from '../http/errors';
import { createI18n } from '../i18n';
import { backupCommand, restoreCommand } from './backup';
import { createEraser } from '../privacy/erase';
import { createRetentionJob } from '../privacy/retention';

const USAGE = `Usage:
  bridgework curriculum check [dir]        check a curriculum folder (default: ./curriculum)
  bridgework users add --email E --name N --role learner|trainer|admin
                                           add a user; the password is read from standard input
  bridgework migrate                       bring the database schema up to date
  bridgework backup <file> [--force]       copy the SQLite database, safely while the server runs
  bridgework restore <file> [--force]      put a backup in place of the SQLite database (stop the server first)
  bridgework privacy retention             erase accounts inactive longer than RETENTION_INACTIVE_DAYS
`;

type Out = { out: (s: string) => void; err: (s: string) => void };

export function curriculumCheck(dir: string, io: Out): number {
  const target = path.resolve(dir);
  // A course folder (it has course.md) is checked alone; any other folder as a curriculum of courses.
  const single = fs.existsSync(path.join(target, 'course.md'));
  const { courses, problems } = single
    ? (({ course, problems: p }) => ({ courses: course ? [course] : [], problems: p }))(parseCourseDir(target))
    : parseCurriculum(target);
  for (const p of problems) (p.severity === 'error' ? io.err : io.out)(formatProblem(p));
  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.length - errors;
  io.out(`${courses.length} course(s) valid, ${errors} error(s), ${warnings} warning(s)`);
  return errors > 0 ? 1 : 0;
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('Password (at least 12 characters), then Enter and Ctrl-D: ');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

const messageFor = (key: string): string => createI18n().t(key);

async function usersAdd(args: string[], io: Out): Promise<number> {
  const { values } = parseArgs({ args, options: { email: { type: 'string' }, name: { type: 'string' }, role: { type: 'string', default: 'learner' } } });
  const password = await readStdin();
  const parsed = addUserSchema.safeParse({ email: values.email ?? '', displayName: values.name ?? '', password, role: values.role });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) io.err(`${String(issue.path[0])}: ${messageFor(issue.message)}`);
    return 2;
  }
  const config = loadConfig();
  const db = createDb({ databaseUrl: config.databaseUrl, sqliteFile: path.join(config.dataDir, 'bridgework.sqlite') });
  try {
    await migrateLatest(db);
    const user = await createAccountService({ db, clock: systemClock }).createUser(parsed.data);
    io.out(`Added ${user.role} ${user.email} (id ${user.id}).`);
    return 0;
  } catch (err) {
    if (err instanceof HttpError && err.id === 'email_taken') {
      io.err(`email: ${messageFor('validation.emailTaken')}`);
      return 1;
    }
    throw err;
  } finally {
    await db.destroy();
  }
}

/** Runs the retention job once (the server also runs it daily): for cron, or to see what it does. */
async function privacyRetention(io: Out): Promise<number> {
  const config = loadConfig();
  if (!config.retentionInactiveDays) {
    io.err('RETENTION_INACTIVE_DAYS is not set: no account is erased for inactivity.');
    return 2;
  }
  const db = createDb({ databaseUrl: config.databaseUrl, sqliteFile: path.join(config.dataDir, 'bridgework.sqlite') });
  try {
    await migrateLatest(db);
    const eraser = createEraser({ db, clock: systemClock });
    const { erased, kept } = await createRetentionJob({ db, clock: systemClock, eraser, inactiveDays: config.retentionInactiveDays }).runOnce();
    io.out(`Erased ${erased} account(s) inactive for more than ${config.retentionInactiveDays} days${kept ? `; kept ${kept} (the last active administrator)` : ''}.`);
    return 0;
  } finally {
    await db.destroy();
  }
}

export async function run(argv: string[], io: Out = { out: (s) => console.log(s), err: (s) => console.error(s) }): Promise<number> {
  const [group, command, ...rest] = argv;
  if (group === 'curriculum' && command === 'check') return curriculumCheck(rest[0] ?? 'curriculum', io);
  if (group === 'users' && command === 'add') return usersAdd(rest, io);
  if (group === 'backup') return backupCommand(argv.slice(1), io);
  if (group === 'restore') return restoreCommand(argv.slice(1), io);
  if (group === 'privacy' && command === 'retention') return privacyRetention(io);
  if (group === 'migrate') {
    const config = loadConfig();
    const db = createDb({ databaseUrl: config.databaseUrl, sqliteFile: path.join(config.dataDir, 'bridgework.sqlite') });
    await migrateLatest(db);
    await db.destroy();
    io.out('Database schema is up to date.');
    return 0;
  }
  io.err(USAGE);
  return 2;
}

if (require.main === module) {
  run(process.argv.slice(2)).then((code) => process.exit(code), (err) => {
    console.error(`bridgework: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
