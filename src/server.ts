// Process entry for `npm start`: config, then startServer (src/start.ts): database → migrate →
// curriculum sync → listen → clean shutdown on SIGTERM.
import { loadConfig } from './config';
import { startServer, startFailed } from './start';

async function main(): Promise<void> {
  await startServer(loadConfig());
}

main().catch(startFailed);
