// jest's setup for every test file: supertest makes a node:http server for the app of each request
// it sends; it is given the app's own server instead (src/http/server.ts: requests and responses
// with the app's properties declared), so every HTTP test runs on the server production runs.
import http from 'node:http';
import { createHttpServer } from '../../src/http/server';

const nodeCreateServer = http.createServer;
(http as { createServer: unknown }).createServer = (...args: unknown[]) =>
  args.length === 1 && typeof args[0] === 'function'
    ? createHttpServer(args[0] as http.RequestListener)
    : (nodeCreateServer as (...a: unknown[]) => http.Server)(...args);
