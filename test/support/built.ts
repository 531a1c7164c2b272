// Tests of the compiled program (the CLI, the server process, `npm run dev`) need `npm run build`
// first, as `npm test` does. Without it they fail loudly: a skipped test of the command users run
// would let a suite pass that never ran it.
import fs from 'node:fs';
import path from 'node:path';

export const ROOT = path.join(__dirname, '..', '..');

export function requireBuilt(...files: string[]): void {
  beforeAll(() => {
    for (const file of files) {
      if (!fs.existsSync(file)) throw new Error(`${path.relative(ROOT, file)} is missing: run \`npm run build\` before these tests (npm test does).`);
    }
  });
}
