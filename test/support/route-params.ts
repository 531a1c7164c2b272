// Filling a route pattern's parameters (`/organizations/:orgId`) with real records, for the tests
// that walk the route table (tenant isolation, the access matrix). A parameter the caller has no
// record for fails loudly, naming it, so a new route's parameter is added rather than skipped.

/** The parameter names of a route pattern, in order. */
export const paramsOf = (path: string): string[] => [...path.matchAll(/:(\w+)/g)].map((m) => m[1]);

/** The pattern with each parameter replaced by its record from `ids`. */
export function fillPath(path: string, ids: Record<string, string>): string {
  return path.replace(/:(\w+)/g, (_, name: string) => {
    if (!(name in ids)) throw new Error(`no record for :${name} in ${path}: add one`);
    return encodeURIComponent(ids[name]);
  });
}
