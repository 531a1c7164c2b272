// `npm run docs:privacy`: rewrites the generated section of docs/privacy.md from the registry.
import fs from 'node:fs';
import path from 'node:path';
import { ROOT_DIR } from '../paths';
import { withCurrentSection } from './privacy-doc';

export const PRIVACY_DOC = path.join(ROOT_DIR, 'docs', 'privacy.md');

if (require.main === module) {
  fs.writeFileSync(PRIVACY_DOC, withCurrentSection(fs.readFileSync(PRIVACY_DOC, 'utf8')));
  process.stdout.write(`wrote ${PRIVACY_DOC}\n`);
}
