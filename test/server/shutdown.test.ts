// The real server process: it starts on a fresh data directory, prints where to go and how to
// make the first administrator, and on SIGTERM finishes the request in flight and exits 0.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { requireBuilt } from '../support/built';

const ROOT = path.join(__dirname, '..', '..');
const SERVER = path.join(ROOT, 'dist', 'src', 'server.js');
requireBuilt(SERVER);

function start(dataDir: string): Promise<{ child: ChildProcess; port: number; output: () => string }> {
  const child = spawn(process.execPath, [SERVER], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: '0', DATABASE_URL: '', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { out += d; });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 20000);
    child.stdout!.on('data', () => {
      const m = /listening on port (\d+)/.exec(out);
      if (m && /setup\//.test(out)) { clearTimeout(timer); resolve({ child, port: Number(m[1]), output: () => out }); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited ${code}:\n${out}`)); });
  });
}

test('fresh start prints the setup link; SIGTERM lets a request in flight finish, then exits 0', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bw-server-'));
  const { child, port, output } = await start(dataDir);
  try {
    expect(output()).toMatch(/open http:\/\/localhost:\d+\//);
    expect(output()).toMatch(/\/setup\/[A-Za-z0-9_-]{20,}/);
    expect(fs.existsSync(path.join(dataDir, 'session-secret'))).toBe(true);

    // A request whose body is still arriving when SIGTERM comes.
    const socket = net.connect(port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    const body = 'email=someone%40example.org&password=x';
    socket.write(`POST /login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n`);
    socket.write(body.slice(0, 10));
    let response = '';
    socket.on('data', (d) => { response += d; });
    await new Promise((r) => setTimeout(r, 300));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    socket.write(body.slice(10));
    await new Promise((r) => socket.once('end', r));
    // The request was answered (403: it carried no CSRF token), not cut off.
    expect(response).toMatch(/^HTTP\/1\.1 403/);
    expect(await exited).toBe(0);
  } finally {
    child.kill('SIGKILL');
  }
});
