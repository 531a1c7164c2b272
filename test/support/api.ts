// Organizations with something to report, and API tokens, for the reporting API's tests: units,
// people in them, two required courses and learners at every stage, made through the services.
import request from 'supertest';
import type { TestApp } from './app';
import { completeCourse, completeModules, publishCourse, type MadeUser, type PublishedCourse } from './factories';
import { makeMember, makeOrganization, type MadeOrganization } from './organizations';

/** A token of the organization, made through the token service as the managers' page makes one. */
export async function makeApiToken(t: TestApp, organizationId: number, createdBy: number, name = 'Test sync'): Promise<{ id: number; token: string }> {
  const { id, token } = await t.services.apiTokens.create(organizationId, name, createdBy);
  return { id, token };
}

/** A GET of the API with the token. */
export function apiGet(t: TestApp, path: string, token: string | null) {
  const req = request(t.app).get(path);
  return token === null ? req : req.set('Authorization', `Bearer ${token}`);
}

export interface ReportingOrganization extends MadeOrganization {
  units: { north: number; south: number };
  /** Everyone but the manager, by their role in the story. */
  people: { done: MadeUser; halfway: MadeUser; idle: MadeUser; southA: MadeUser; southB: MadeUser };
  courses: { foundations: PublishedCourse & { id: number }; followUp: PublishedCourse & { id: number } };
  assignments: { foundations: number; followUp: number };
  token: { id: number; token: string };
}

let n = 0;

/**
 * An organization named `name` whose people and units carry `name` in their names (so a test can
 * look for them in a body): units North and South; five learners; foundations required of
 * everyone by a date, the follow-up of South within 10 days; one learner done, one halfway.
 */
export async function makeReportingOrganization(t: TestApp, name: string): Promise<ReportingOrganization> {
  const s = t.services.organizations;
  const org = await makeOrganization(t, { name });
  const north = await s.addUnit(org.id, `${name} North`);
  const south = await s.addUnit(org.id, `${name} South`);
  const person = async (who: string, unitId: number | null) => {
    const m = await makeMember(t, org.id, { name: `${name} ${who}`, unitId });
    const email = `${name.toLowerCase().replace(/[^a-z]+/g, '.')}.${who.toLowerCase()}.${++n}@example.org`;
    await t.testDb.db('users').where({ id: m.user.id }).update({ email });
    return { ...m, email, user: { ...m.user, email } };
  };
  const people = {
    done: await person('Done', north), halfway: await person('Halfway', north), idle: await person('Idle', null),
    southA: await person('SouthA', south), southB: await person('SouthB', south),
  };
  const publish = async (title: string) => {
    const c = await publishCourse(t, { spec: { title, modules: ['one', 'two', 'three', 'four'] } });
    return { ...c, id: (await s.assignments.courses()).find((x) => x.slug === c.slug)!.courseId };
  };
  // Courses are the whole site's, seen by every organization: their titles name no organization.
  const courses = { foundations: await publish(`Foundations ${++n}`), followUp: await publish(`Follow-up ${++n}`) };
  const record = await s.find(org.id);
  const assign = async (input: Record<string, unknown>) => {
    const made = await s.assignments.create(record, {
      unitId: null, userId: null, person: '', dueDate: '', withinDays: '', renews: false, ...input,
    } as Parameters<typeof s.assignments.create>[1], org.manager.user.id);
    if (!made.ok) throw new Error(`assignment failed: ${JSON.stringify(made.errors)}`);
    return made.id;
  };
  const due = new Date(t.clock.now().getTime() + 30 * 24 * 3600 * 1000).toISOString().slice(0, 10);
  const assignments = {
    foundations: await assign({ courseId: courses.foundations.id, target: 'organization', dueKind: 'date', dueDate: due }),
    followUp: await assign({ courseId: courses.followUp.id, target: 'unit', unitId: south, dueKind: 'window', withinDays: '10' }),
  };
  await completeCourse(t, people.done.user, courses.foundations.slug);
  await completeModules(t, people.halfway.user, courses.foundations.slug, ['one', 'two']);
  const token = await makeApiToken(t, org.id, org.manager.user.id, `${name} sync`);
  return { ...org, units: { north, south }, people, courses, assignments, token };
}
