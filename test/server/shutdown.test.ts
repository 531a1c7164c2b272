// The real server process: it starts on a fresh data directory, prints where to go and how to
// make the first administrator, and on SIGTERM finishes the request in flight and exits 0.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { requireBuilt } from '../support/built';
import { SERVER, startServerProcess, type ServerProcess } from '../support/server-process';

requireBuilt(SERVER);

/** Started once it has also printed the first administrator's setup link. */
function start(dataDir: string): Promise<ServerProcess> {
  return startServerProcess({ DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'warn' }, (out) => /setup\//.test(out));
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
