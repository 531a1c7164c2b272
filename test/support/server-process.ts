// The compiled server (`dist/src/server.js`, made by `npm run build`) in a child process, for tests
// of what only a real process shows: start-up output, signals, crashes, several processes.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const SERVER = path.join(__dirname, '..', '..', 'dist', 'src', 'server.js');

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  base: string;
  /** Everything it printed so far, stdout and stderr. */
  output: () => string;
}

/**
 * Starts the server with `env` over this process's environment, and resolves once it prints the
 * port it listens on (and `ready(output)` holds, when given); rejects with its output if it exits
 * or has not started in 20 s.
 */
export function startServerProcess(env: NodeJS.ProcessEnv, ready: (output: string) => boolean = () => true): Promise<ServerProcess> {
  const child = spawn(process.execPath, [SERVER], { env: { ...process.env, PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { out += d; });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 20_000);
    const onExit = (code: number | null) => { clearTimeout(timer); reject(new Error(`server exited ${code}:\n${out}`)); };
    child.on('exit', onExit);
    child.stdout!.on('data', () => {
      const m = /listening on port (\d+)/.exec(out);
      if (!m || !ready(out)) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      resolve({ child, port: Number(m[1]), base: `http://127.0.0.1:${m[1]}`, output: () => out });
    });
  });
}
