// Where the tests' fixed files are. Kept apart from app.ts so pure unit tests need not load the app.
import path from 'node:path';

export const FIXTURE_CURRICULUM = path.join(__dirname, '..', 'fixtures', 'curriculum');
