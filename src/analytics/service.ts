// What courses change, for trainers and managers: the pre/post change of a course's survey, its
// item analysis and its evaluation. Plain values in and out. Records come through the learning
// service (attempts, survey answers and evaluations, the latter two filed under pseudonyms) and
// people through the organization service; an organization's report reads only the answers of its
// own members, found by computing their pseudonyms. Every figure is suppressed below 5.
import type { CurriculumService } from '../curriculum/service';
import type { CompiledCourse } from '../curriculum/types';
import type { LearningService } from '../learning/service';
import type { OrganizationService } from '../organizations/service';
import { notFound } from '../http/errors';
import { changeReport, pairResponses, quarterOf, type Breakdown, type ChangeReport } from './change-report';
import { itemAnalysis, type ItemRow } from './item-analysis';
import { evaluationReport, type EvaluationReport } from './evaluation-report';
import { MIN_GROUP } from './suppression';

export interface AnalyticsDeps {
  learning: LearningService;
  curriculum: CurriculumService;
  organizations: OrganizationService;
}

export interface CourseEntry {
  slug: string;
  title: string;
  courseId: number;
  hasSurvey: boolean;
  checks: number;
}

/** The words a breakdown's groups need that the service cannot know: the page gives them. */
export interface GroupWords {
  noUnit: string;
  noOrganization: string;
}

export function createAnalyticsService({ learning, curriculum, organizations }: AnalyticsDeps) {
  async function published(slug: string): Promise<{ courseId: number; course: CompiledCourse }> {
    const entry = (await curriculum.catalog()).find((c) => c.course.slug === slug);
    if (!entry) throw notFound();
    return { courseId: entry.courseId, course: entry.course };
  }

  const byPeriod = (rows: { post: { answeredOn: string } }[]): Breakdown => {
    const periods = [...new Set(rows.map((p) => quarterOf(p.post.answeredOn)))].sort();
    return { name: 'period', groups: periods.map((p) => ({ key: p, label: p })), groupOf: (pair) => quarterOf(pair.post.answeredOn) };
  };

  return {
    /** Every published course, with whether it has a survey and how many checks. */
    async courses(): Promise<CourseEntry[]> {
      return (await curriculum.catalog()).map((c) => ({
        slug: c.course.slug, title: c.course.title, courseId: c.courseId, hasSurvey: Boolean(c.course.survey),
        checks: c.course.modules.reduce((n, m) => n + m.checks.length, 0),
      })).sort((a, b) => a.title.localeCompare(b.title));
    },

    /**
     * A course for trainers: its change over everyone who answered (by period and by organization),
     * its item analysis and its evaluation.
     */
    async courseReport(slug: string, words: GroupWords): Promise<{ course: CompiledCourse; change: ChangeReport | null; items: ItemRow[]; evaluation: EvaluationReport }> {
      const { courseId, course } = await published(slug);
      const [attempts, evaluations] = await Promise.all([learning.records.courseAttempts(courseId), learning.records.evaluations(courseId)]);
      let change: ChangeReport | null = null;
      if (course.survey) {
        const responses = await learning.records.surveyResponses(courseId);
        const pairs = pairResponses(responses);
        // Which organization each pair's learner belongs to now: their pseudonyms, computed.
        const orgs = await organizations.list();
        const orgOf = new Map<string, string>();
        if (pairs.length && orgs.length) {
          const memberOrg = new Map<number, number>();
          for (const o of orgs) for (const m of await organizations.members(o.id)) memberOrg.set(m.userId, o.id);
          for (const [respondent, userId] of await learning.records.respondentsOf(courseId, [...memberOrg.keys()])) orgOf.set(respondent, String(memberOrg.get(userId)));
        }
        const byOrganization: Breakdown = {
          name: 'organization',
          groups: [...orgs.map((o) => ({ key: String(o.id), label: o.name })), { key: 'none', label: words.noOrganization }],
          groupOf: (pair) => orgOf.get(pair.respondent) ?? 'none',
        };
        change = changeReport(course.survey, responses, [byPeriod(pairs), byOrganization]);
      }
      return { course, change, items: itemAnalysis(course.modules, attempts), evaluation: evaluationReport(evaluations) };
    },

    /** The organization's courses with a survey, each with how many of its staff answered both times (or fewer than 5). */
    async organizationCourses(organizationId: number): Promise<(CourseEntry & { pairs: number | null })[]> {
      const members = await organizations.members(organizationId);
      const out: (CourseEntry & { pairs: number | null })[] = [];
      for (const c of (await this.courses()).filter((x) => x.hasSurvey)) {
        const respondents = await learning.records.respondentsOf(c.courseId, members.map((m) => m.userId));
        const pairs = respondents.size ? pairResponses(await learning.records.surveyResponses(c.courseId, [...respondents.keys()])).length : 0;
        out.push({ ...c, pairs: pairs >= MIN_GROUP ? pairs : null });
      }
      return out;
    },

    /** A course's change among the organization's staff, by unit and by period. */
    async organizationReport(organizationId: number, slug: string, words: GroupWords): Promise<{ course: CompiledCourse; change: ChangeReport | null }> {
      const { courseId, course } = await published(slug);
      if (!course.survey) return { course, change: null };
      const [members, units] = await Promise.all([organizations.members(organizationId), organizations.units(organizationId)]);
      const unitOf = new Map(members.map((m) => [m.userId, m.unitId]));
      const respondents = await learning.records.respondentsOf(courseId, members.map((m) => m.userId));
      const responses = respondents.size ? await learning.records.surveyResponses(courseId, [...respondents.keys()]) : [];
      const byUnit: Breakdown = {
        name: 'unit',
        groups: [...units.map((u) => ({ key: String(u.id), label: u.name })), { key: 'none', label: words.noUnit }],
        groupOf: (pair) => {
          const unit = unitOf.get(respondents.get(pair.respondent)!);
          return unit == null ? 'none' : String(unit);
        },
      };
      return { course, change: changeReport(course.survey, responses, [byUnit, byPeriod(pairResponses(responses))]) };
    },
  };
}

export type AnalyticsService = ReturnType<typeof createAnalyticsService>;
