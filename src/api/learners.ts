// GET /api/v1/learners: the organization's people, with their unit and role. A learner's name and
// email are what the organization's own pages show; nothing they wrote or answered is here.
import type { OrganizationService } from '../organizations/service';
import type { ListEndpoint } from './endpoint';
import { byKey } from './endpoint';
import { invalidParameter, sinceParameter, unitParameter } from './query';
import { learnerPageSchema, type LearnerOut } from './schemas';

export function learnersEndpoint(organizations: OrganizationService): ListEndpoint<LearnerOut> {
  const key = (l: LearnerOut) => [l.id];
  return {
    path: '/learners',
    name: 'listLearners',
    summary: 'The organization\'s people',
    description: 'Everyone in the organization (members and managers), by id. A person\'s unit and role may change without a date being kept, so only joining can be filtered by date: a sync should read the whole list.',
    filters: [unitParameter, sinceParameter('joined_since', 'people who joined')],
    page: learnerPageSchema,
    key,
    async load(organizationId, f) {
      const unit = f.unit as number | null | undefined;
      if (typeof unit === 'number' && !(await organizations.units(organizationId)).some((u) => u.id === unit)) throw invalidParameter('unit', 'noSuchUnit');
      const since = f.joined_since as Date | undefined;
      const members = await organizations.members(organizationId, unit);
      return members
        .filter((m) => !since || m.joinedAt.getTime() >= since.getTime())
        .map((m) => ({
          id: m.userId, name: m.displayName, email: m.email, role: m.role,
          unit: m.unitId === null ? null : { id: m.unitId, name: m.unitName ?? '' },
          joinedAt: m.joinedAt.toISOString(), activated: m.claimed,
        }))
        .sort(byKey(key));
    },
  };
}
