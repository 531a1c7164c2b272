// Route guards. Every route names who may reach it as its first handler: `publicAccess`, or
// `requires(capability)`. A test walks the router and fails on a route with neither or with an
// unknown capability, and the same walk renders docs/access.md.
import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { API_TOKEN_CAPABILITIES, isCapability, type CapabilityName } from '../access/capabilities';
import { holds } from '../access/holds';
import { POLICY_DENIAL, type PolicyDenial } from '../access/policy';
import { HttpError, forbidden, unauthenticated } from './errors';

/**
 * What a guard declares, read by the router walk (src/access/route-table.ts). `via: 'api-token'`:
 * the caller is an organization's API token (a bearer token), never a signed-in session.
 */
export type Access = { public: true } | { capability: CapabilityName; via?: 'api-token' };
export type AccessHandler = RequestHandler & { access: Access };

/** Only local paths: a `next` parameter must never send someone to another site. */
export function safeLocalPath(value: unknown, fallback = '/dashboard'): string {
  return typeof value === 'string' && /^\/(?![/\\])/.test(value) ? value : fallback;
}

/** A page asks a visitor to sign in and come back; anything else is answered 401. */
function askToSignIn(req: Request): string | null {
  if (req.method === 'GET' && req.accepts(['html', 'json']) === 'html') return `/login?next=${encodeURIComponent(req.originalUrl)}`;
  return null;
}

/**
 * One log line per refusal (warn; info for "not signed in"), for whoever watches for probing: the
 * user's id (never a name or an email), the route's pattern (`/organizations/:orgId`, not the ids
 * asked for), the capability and why. `by`: the route guard, or the feature's policy against the
 * record. (req.log's own bindings still carry the request id and path, as every request line does.)
 */
function logDenial(req: Request, capability: CapabilityName | null, reason: string, by: 'guard' | 'policy'): void {
  // Not signed in (or no token sent) is every visitor's first step: worth a line, not a warning.
  const level = reason === 'unauthenticated' || reason === 'token_missing' ? 'info' : 'warn';
  req.log?.[level]({
    denied: { userId: req.user?.id ?? null, method: req.method, route: req.route?.path ?? null, capability, reason, by },
  }, 'access denied');
}

/** The capability the matched route's guard declares (its first handler), if any. */
function routeCapability(req: Request): CapabilityName | null {
  const stack = (req.route as { stack?: { handle: { access?: Access } }[] } | undefined)?.stack;
  const access = stack?.[0]?.handle.access;
  return access && 'capability' in access ? access.capability : null;
}

/** Logs a refusal thrown by a policy's `authorize`, then passes it on to the error handler. */
export const logPolicyDenials: ErrorRequestHandler = (err, req, _res, next) => {
  const reason = (err as Partial<PolicyDenial> | null)?.[POLICY_DENIAL];
  if (reason) logDenial(req, routeCapability(req), reason, 'policy');
  next(err);
};

export const publicAccess: AccessHandler = Object.assign<RequestHandler, { access: Access }>((_req, _res, next) => next(), { access: { public: true } });

/**
 * The route needs the capability somewhere (any scope). The feature's policy then checks it
 * against the record the route loads: a manager of one organization passes this guard and is
 * refused another organization's report by the policy.
 */
export function requires(capability: CapabilityName): AccessHandler {
  if (!isCapability(capability)) throw new Error(`unknown capability ${String(capability)}`);
  const guard: RequestHandler = (req, res, next) => {
    if (!req.user) {
      logDenial(req, capability, 'unauthenticated', 'guard');
      const signIn = askToSignIn(req);
      return signIn ? res.redirect(303, signIn) : next(unauthenticated());
    }
    if (holds(req.user, capability)) return next();
    logDenial(req, capability, 'forbidden', 'guard');
    return next(forbidden());
  };
  return Object.assign(guard, { access: { capability } as Access });
}

/** Who an API request speaks for: one organization, through one of its tokens (set by src/api/authenticate.ts). */
export interface TokenPrincipal {
  tokenId: number;
  organizationId: number;
}

/** Why a request has no token principal: none sent, not a token's shape, no such token, or revoked. */
export type TokenFailure = 'missing' | 'malformed' | 'unknown' | 'revoked';

declare module 'express-serve-static-core' {
  interface Request {
    apiToken?: TokenPrincipal;
    apiTokenFailure?: TokenFailure;
  }
}

/**
 * The route is for an organization's API token holding the capability (for its own organization:
 * the route reads only `req.apiToken.organizationId`'s records). A session cookie never passes
 * this guard, whoever is signed in: `req.user` is not consulted.
 */
export function requiresToken(capability: CapabilityName): AccessHandler {
  if (!isCapability(capability)) throw new Error(`unknown capability ${String(capability)}`);
  if (!(API_TOKEN_CAPABILITIES as readonly CapabilityName[]).includes(capability)) throw new Error(`API tokens are not given ${capability}`);
  const guard: RequestHandler = (req, res, next) => {
    if (req.apiToken) return next();
    const failure = req.apiTokenFailure ?? 'missing';
    logDenial(req, capability, `token_${failure}`, 'guard');
    // RFC 6750: say how to authenticate, and whether the token sent was the problem.
    res.set('WWW-Authenticate', failure === 'missing' ? 'Bearer realm="bridgework"' : 'Bearer realm="bridgework", error="invalid_token"');
    next(new HttpError(401, failure === 'missing' ? 'unauthenticated' : 'invalid_token', { key: `api.auth.${failure}` }));
  };
  return Object.assign(guard, { access: { capability, via: 'api-token' } as Access });
}
