// The HTTP server for the app: node's, with requests and responses that have, from the start,
// every property Express and Bridgework's middleware give them on a signed-in page.
//
// V8 gives each object a hidden class (a "map") that changes whenever a property is added. Left to
// themselves, a request and its response gained about fifteen properties on the way through the
// middleware (req.id, req.t, req.session, req.user, res.page...), so the code every layer shares
// (Express's router, helmet, the session hooks) saw a different map at each layer, its property
// lookups became megamorphic, and V8 fell back to a global cache that kept missing: measured, a
// third of a signed-in module page's CPU (test/bench, same-process A/B: 0.62 of the CPU per
// request, the framework floor 0.57). Declared here, in one order, those properties are set in
// place and every request keeps one map. test/http/request-shape.test.ts fails when a signed-in
// page adds a property that is not declared here. Every test runs the app on this server too
// (supertest's through test/support/app-server.ts).
//
// Only plain data properties are declared: `req.query`, `req.log` and Express's other accessors
// live on the prototype and must not be shadowed, and passport's methods are on `app.request`
// (src/accounts/passport.ts initializePassport).
import http from 'node:http';
import v8 from 'node:v8';
import type { Socket } from 'node:net';
import type { RequestListener } from 'node:http';
import { STARTED } from './request-log';
import { SESSION_BINDING } from '../sessions/middleware';

type Fields = Record<string | symbol, unknown>;

class AppRequest extends http.IncomingMessage {
  constructor(socket: Socket) {
    super(socket);
    const req = this as unknown as Fields;
    // Inherited as 0 from the stream; a listener's first registration makes it own.
    req._eventsCount = 0;
    // Express: app.handle and the router.
    req.res = undefined;
    req.next = undefined;
    req.baseUrl = undefined;
    req.originalUrl = undefined;
    req._parsedUrl = undefined;
    req.params = undefined;
    req.route = undefined;
    // Bridgework, in the order its middleware runs (src/app.ts).
    req.id = undefined;
    req.language = undefined;
    req.t = undefined;
    req.body = undefined;
    req.sessionUser = undefined;
    req.session = undefined;
    req.sessionID = undefined;
    req.user = undefined;
    req.apiToken = undefined;
    req.apiTokenFailure = undefined;
  }
}

/**
 * `res.locals` as Express would make it (no inherited names: `Object.create(null)`), but an object
 * with a map of its own rather than a hash table: its fields are set and read on every page.
 */
function Locals(): void {}
Locals.prototype = Object.create(null) as object;

const serverResponse = http.ServerResponse.prototype;

class AppResponse extends http.ServerResponse {
  constructor(req: http.IncomingMessage) {
    super(req);
    const res = this as unknown as Fields;
    // As inherited until a response sets them.
    res.statusCode = 200;
    res.statusMessage = undefined;
    // Express leaves a response's locals alone when it has them.
    res.locals = new (Locals as unknown as new () => object)();
    // The session middleware wraps these two on each signed-in request (src/sessions/middleware.ts);
    // Express's response prototype does not define them, so these are what every response inherits.
    res.writeHead = serverResponse.writeHead;
    res.end = serverResponse.end;
    res.page = undefined;
    res[STARTED] = undefined;
    res[SESSION_BINDING] = undefined;
  }
}

/**
 * V8 allocates an allocation site's objects straight in the old generation once it sees most of
 * them survive a young-generation collection ("pretenuring"). Under load it made that decision for
 * the request's own objects (the request, its headers, the middleware's closures), which then lived
 * until the next full collection: a young collection took 2.7 ms instead of 0.6, and a signed-in
 * page cost 0.82 of its CPU without it (test/bench, same-process A/B). A server's objects live as
 * long as their request, so the guess is wrong here; the flag is read at each collection, so
 * turning it off when the server is made is enough.
 */
function keepRequestObjectsYoung(): void {
  v8.setFlagsFromString('--no-allocation-site-pretenuring');
}

export function createHttpServer(app: RequestListener): http.Server {
  keepRequestObjectsYoung();
  return http.createServer({ IncomingMessage: AppRequest, ServerResponse: AppResponse }, app);
}
