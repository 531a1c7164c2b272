// The route table: every route of the app with the access its guard declares, read by walking
// Express's router. The test of guards and docs/access.md both come from this one walk.
import type { Express } from 'express';
import type { Access } from '../http/guards';

export interface RouteEntry {
  method: string;
  path: string;
  /** Null when the route's first handler declares no access: a test failure. */
  access: Access | null;
}

interface Layer {
  route?: { path: string; methods: Record<string, boolean>; stack: { handle: { access?: Access } }[] };
  handle: { stack?: Layer[] };
}

export function routeTable(app: Express): RouteEntry[] {
  const entries: RouteEntry[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        const methods = Object.keys(layer.route.methods).filter((m) => layer.route!.methods[m] && m !== '_all').map((m) => m.toUpperCase());
        for (const method of methods) entries.push({ method, path: layer.route.path, access: layer.route.stack[0]?.handle.access ?? null });
      } else if (layer.handle.stack) {
        walk(layer.handle.stack);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return entries;
}
