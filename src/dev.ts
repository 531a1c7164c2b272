// Process entry for `npm run dev`, for authors writing courses on disk: the server exactly as
// `npm start` runs it, plus a watcher on the curriculum folder. Each save republishes the valid
// courses and prints the problems as `path:line: message`; signed-in administrators and trainers
// also see them in a banner on every page. Request logs are off unless LOG_LEVEL asks for them.
import path from 'node:path';
import { loadConfig } from './config';
import { startServer, startFailed } from './start';
import { watchFolder, describeSync } from './curriculum/watch';

const stamp = () => new Date().toTimeString().slice(0, 8);

async function main(): Promise<void> {
  // An empty LOG_LEVEL means "not set", as loadConfig reads it.
  const config = loadConfig({ ...process.env, LOG_LEVEL: process.env.LOG_LEVEL || 'warn' });
  const { services, onStop } = await startServer(config, { dev: true });
  const dir = config.curriculumDir;

  const watcher = watchFolder(dir, async () => {
    // The watcher prints the problems; the JSON log would only repeat them.
    const result = await services.curriculum.syncFromDisk(dir, { log: false });
    process.stdout.write(`[${stamp()}] ${describeSync(result)}\n`);
  }, {
    onError: (err) => process.stdout.write(`[${stamp()}] curriculum sync failed: ${err instanceof Error ? err.message : String(err)}\n`),
  });
  onStop(() => watcher.close());
  process.stdout.write(`Development mode: watching ${path.relative(process.cwd(), dir) || dir} and republishing on save (Ctrl+C to stop)\n`);
}

main().catch(startFailed);
