// The bench runs its servers with the Node flags `npm start` gives the server in production, so
// what it measures is what runs. This holds the two in one place.
import fs from 'node:fs';
import path from 'node:path';
import { SERVER_NODE_FLAGS } from '../bench/common';

test('npm start gives the server the flags the bench runs its servers with', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  expect(pkg.scripts.start).toBe(`node ${SERVER_NODE_FLAGS.join(' ')} dist/src/server.js`);
});
