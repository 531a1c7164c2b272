// What a learner still lacks to finish a course, as lines the course page can print: a message
// key with its values and the links that lead to each thing left to do.
import type { Missing } from './completion';

export interface MissingLine {
  key: string;
  params: Record<string, unknown>;
  links: { href: string; text: string }[];
}

export function presentMissing(
  missing: Missing[],
  paths: { module: (key: string) => string; postSurvey: string },
  postSurveyOpen: boolean,
): MissingLine[] {
  return missing.map((m): MissingLine => {
    switch (m.kind) {
      case 'modules':
        return { key: 'completion.missing.modules', params: { count: m.modules.length }, links: m.modules.map((x) => ({ href: paths.module(x.key), text: x.title })) };
      case 'answer':
      case 'pass': {
        // One link per module, with how many of its checks are left.
        const byModule = new Map<string, { title: string; count: number }>();
        for (const c of m.checks) {
          const entry = byModule.get(c.moduleKey) ?? { title: c.moduleTitle, count: 0 };
          entry.count++;
          byModule.set(c.moduleKey, entry);
        }
        return {
          key: `completion.missing.${m.kind}`, params: { count: m.checks.length },
          links: [...byModule].map(([key, v]) => ({ href: `${paths.module(key)}?continue=1`, text: `${v.title} (${v.count})` })),
        };
      }
      case 'post-survey':
        return postSurveyOpen
          ? { key: 'completion.missing.postSurvey', params: {}, links: [{ href: paths.postSurvey, text: '' }] }
          : { key: 'completion.missing.postSurveyLater', params: {}, links: [] };
    }
  });
}
