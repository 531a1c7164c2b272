// The change report of 10,000 pairs (`npm run bench`): the pre/post survey of a course answered by
// 10,000 learners twice (20,000 responses of 8 items), reported (a) from rows already in memory
// (pairing, scoring, per-item and overall changes with their t intervals, a breakdown by period)
// and (b) from the database, as the trainer's page reads it (the rows through the learning
// service's query, then the same computation). Deterministic data; prints medians, asserts nothing.
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import type { Knex } from 'knex';
import { createDb } from '../../src/db/knex';
import { migrateLatest } from '../../src/db/migrate';
import { createCurriculumService } from '../../src/curriculum/service';
import { createCertificateService } from '../../src/certificates/service';
import { createLearningService } from '../../src/learning/service';
import { parseCourseFiles, type CourseFiles } from '../../src/curriculum/parse';
import { changeReport, pairResponses, quarterOf, type Breakdown, type ResponseRow } from '../../src/analytics/change-report';
import { systemClock } from '../../src/clock';
import { random } from './random';

const PAIRS = 10_000;
const REPEATS = 7;

const COURSE_MD = `---
title: Bench survey course
summary: A course with an eight-item survey.
audience: [all]
minutes: 10
---
Overview.

::: survey
- (agree) a1: One.
- (agree) a2: Two.
- (agree) a3: Three.
- (agree) a4: Four.
- (agree, reversed) a5: Five.
- (true) k1: Six.
- (false) k2: Seven.
- (true) k3: Eight.
:::
`;

function responses(): ResponseRow[] {
  const rnd = random(10);
  const knowledge = ['true', 'false', 'not-sure'];
  const rows: ResponseRow[] = [];
  for (let i = 0; i < PAIRS; i++) {
    const respondent = i.toString(16).padStart(32, '0');
    const answers = (shift: number) => {
      const out: Record<string, string | number> = {};
      for (const id of ['a1', 'a2', 'a3', 'a4', 'a5']) out[id] = Math.min(5, Math.max(1, Math.round(2.5 + shift + (rnd() - 0.5) * 3)));
      for (const id of ['k1', 'k2', 'k3']) out[id] = knowledge[Math.floor(rnd() * (shift ? 2 : 3))];
      return out;
    };
    const month = String(1 + (i % 12)).padStart(2, '0');
    rows.push({ respondent, phase: 'pre', answeredOn: `2026-${month}-01`, answers: answers(0) }, { respondent, phase: 'post', answeredOn: `2026-${month}-20`, answers: answers(1) });
  }
  return rows;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
/** CPU time of this process since `start`, in ms: less disturbed than wall time by others' load on the machine. */
const cpuMs = (start: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
};

function byPeriod(rows: ResponseRow[]): Breakdown {
  const periods = [...new Set(pairResponses(rows).map((p) => quarterOf(p.post.answeredOn)))].sort();
  return { name: 'period', groups: periods.map((p) => ({ key: p, label: p })), groupOf: (pair) => quarterOf(pair.post.answeredOn) };
}

export async function benchChangeReport(tmpDir: string, log: (line?: string) => void): Promise<void> {
  log(`\nChange report of ${PAIRS.toLocaleString('en')} pairs (20,000 survey responses of 8 items), ${REPEATS} runs each after a warm-up:`);
  const files: CourseFiles = new Map([['course.md', Buffer.from(COURSE_MD)], ['01-one.md', Buffer.from('---\ntitle: One\nminutes: 5\n---\n## One\n\nText.\n')]]);
  const parsed = parseCourseFiles('bench-survey', files, '/bench/bench-survey');
  if (!parsed.course?.survey) throw new Error(`the bench survey course does not compile: ${parsed.problems.map((p) => p.message).join('; ')}`);
  const survey = parsed.course.survey;
  const rows = responses();

  // (a) In memory.
  let report = changeReport(survey, rows, [byPeriod(rows)]);
  const memory: number[] = [];
  const memoryCpu: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const start = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    report = changeReport(survey, rows, [byPeriod(rows)]);
    memory.push(ms(start));
    memoryCpu.push(cpuMs(cpu));
  }
  const overall = report.attitude.overall!;
  log(`  (a) computed from rows in memory: median ${median(memory).toFixed(1)} ms, ${median(memoryCpu).toFixed(1)} ms CPU (runs ${memory.map((x) => x.toFixed(1)).join(' / ')} ms)`);
  log(`      ${report.pairs} pairs; attitude change ${overall.change.toFixed(3)} (95% CI ${overall.ciLow!.toFixed(3)} to ${overall.ciHigh!.toFixed(3)}); ${report.breakdowns[0].rows.length} periods`);

  // (b) From a fresh SQLite database, through the learning service's query.
  const dir = path.join(tmpDir, 'change-report');
  fs.mkdirSync(dir, { recursive: true });
  const db = createDb({ databaseUrl: null, sqliteFile: path.join(dir, 'bench.sqlite') });
  try {
    await migrateLatest(db);
    const logger = pino({ level: 'silent' });
    const curriculum = createCurriculumService({ db, clock: systemClock, logger });
    const learning = createLearningService({ db, clock: systemClock, curriculum, certificates: createCertificateService({ db, clock: systemClock }) });
    const { versionId } = await curriculum.publish(parsed.course, 'bench', parsed.mediaContent, { files });
    const courseId = (await curriculum.catalog()).find((c) => c.versionId === versionId)!.courseId;
    await db.transaction(async (trx: Knex.Transaction) => {
      const all = rows.map((r) => ({ course_id: courseId, version_id: versionId, respondent: r.respondent, phase: r.phase, answered_on: r.answeredOn, answers: JSON.stringify(r.answers) }));
      for (let i = 0; i < all.length; i += 500) await trx('survey_responses').insert(all.slice(i, i + 500));
    });
    await learning.records.surveyResponses(courseId); // warm-up
    const read: number[] = [];
    const total: number[] = [];
    const totalCpu: number[] = [];
    for (let i = 0; i < REPEATS; i++) {
      const start = process.hrtime.bigint();
      const cpu = process.cpuUsage();
      const fromDb = await learning.records.surveyResponses(courseId);
      read.push(ms(start));
      changeReport(survey, fromDb, [byPeriod(fromDb)]);
      total.push(ms(start));
      totalCpu.push(cpuMs(cpu));
    }
    log(`  (b) from the database (SQLite): median ${median(total).toFixed(1)} ms, ${median(totalCpu).toFixed(1)} ms CPU; of which reading the rows ${median(read).toFixed(1)} ms`);
  } finally {
    await db.destroy();
  }
}
