// Every error id a route or service may throw has a title and a message in the catalog, and errors
// keep their specific id (what callers and tests compare), not only a status.
import en from '../../src/locales/en.json';
import { ERROR_IDS, conflict, forbidden, notFound } from '../../src/http/errors';

test('every error id has a translated title and message', () => {
  const errors = en.errors as Record<string, unknown>;
  const missing = ERROR_IDS.filter((id) => {
    const e = errors[id] as { title?: unknown; message?: unknown } | undefined;
    return typeof e?.title !== 'string' || typeof e?.message !== 'string';
  });
  expect(missing).toEqual([]);
});

test('factories keep the specific id with its status', () => {
  expect(conflict('email_taken')).toMatchObject({ status: 409, id: 'email_taken' });
  expect(forbidden('folder_course', 409)).toMatchObject({ status: 409, id: 'folder_course' });
  expect(forbidden()).toMatchObject({ status: 403, id: 'forbidden' });
  expect(notFound()).toMatchObject({ status: 404, id: 'not_found' });
});
