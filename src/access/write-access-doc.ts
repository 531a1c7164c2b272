// `npm run docs:access`: writes docs/access.md from the app's own routes and capabilities. The app
// is built exactly as the server builds it, on a database it never opens (building does no I/O).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { loadConfig } from '../config';
import { createDb } from '../db/knex';
import { systemClock } from '../clock';
import { createServices } from '../services';
import { createApp } from '../app';
import { ROOT_DIR } from '../paths';
import { routeTable } from './route-table';
import { renderAccessDoc } from './access-doc';

export const ACCESS_DOC = path.join(ROOT_DIR, 'docs', 'access.md');

export async function currentAccessDoc(): Promise<string> {
  const config = loadConfig({ SESSION_SECRET: 'x'.repeat(32), DATA_DIR: os.tmpdir() });
  const db = createDb({ databaseUrl: null, sqliteFile: path.join(os.tmpdir(), 'bridgework-access-doc-unused.sqlite') });
  try {
    const logger = pino({ level: 'silent' });
    const services = createServices({ config, db, clock: systemClock, logger });
    const { app } = createApp({ config, db, clock: systemClock, logger, services });
    return renderAccessDoc(routeTable(app));
  } finally {
    await db.destroy();
  }
}

if (require.main === module) {
  currentAccessDoc().then((doc) => {
    fs.writeFileSync(ACCESS_DOC, doc);
    console.log(`wrote ${path.relative(process.cwd(), ACCESS_DOC)}`);
  }, (err) => { console.error(err); process.exit(1); });
}
