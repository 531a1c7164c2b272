// No two routes answer the same method and path. createApp orders its routers by how often they
// are used (a learner's pages come before the account and authoring routers, so the most frequent
// requests are matched against fewer routes), which is only safe while the order of the routers
// never decides which route answers. Checked with Express's own matching, on every route.
import { createTestApp, type TestApp } from '../support/app';

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
  match(path: string): boolean;
}

let t: TestApp;
beforeAll(async () => { t = await createTestApp(); });
afterAll(async () => { await t.close(); });

/** A request path a route answers: each parameter given a sample value. */
const sampleOf = (routePath: string) => routePath.replace(/[:*]\w+/g, 'sample');

test('every route is the only one that answers its own method and path', () => {
  const routes: Layer[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) routes.push(layer);
      else if (layer.handle.stack) walk(layer.handle.stack);
    }
  };
  walk((t.app as unknown as { router: { stack: Layer[] } }).router.stack);
  expect(routes.length).toBeGreaterThan(100);

  const overlaps: string[] = [];
  for (const route of routes) {
    const sample = sampleOf(route.route!.path);
    for (const method of Object.keys(route.route!.methods)) {
      const others = routes.filter((r) => r !== route && r.route!.methods[method] && r.match(sample));
      for (const other of others) overlaps.push(`${method.toUpperCase()} ${sample}: ${route.route!.path} and ${other.route!.path}`);
    }
  }
  expect(overlaps).toEqual([]);
});
