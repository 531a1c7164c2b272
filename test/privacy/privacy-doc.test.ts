// docs/privacy.md's table of personal data is the registry's (run `npm run docs:privacy` to update it).
import fs from 'node:fs';
import path from 'node:path';
import { withCurrentSection } from '../../src/privacy/privacy-doc';
import { PRIVACY_REGISTRY } from '../../src/privacy/registry';

const doc = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'privacy.md'), 'utf8');

test('docs/privacy.md is current with src/privacy/registry.ts (run `npm run docs:privacy` to update it)', () => {
  expect(doc).toBe(withCurrentSection(doc));
});

test('every table holding personal data is described in docs/privacy.md', () => {
  for (const [table, entry] of Object.entries(PRIVACY_REGISTRY)) {
    if (Object.values(entry.columns).some((c) => c.personal)) expect(doc).toContain(`### \`${table}\``);
  }
});
