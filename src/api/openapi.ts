// The OpenAPI 3.1 document of /api/v1 (served at /api/v1/openapi.json), written from the same
// descriptions the routes serve: each list's filters (src/api/query.ts specs), the zod schemas of
// its responses (z.toJSONSchema) and the problem details every error is. A test validates real
// responses of every endpoint against it.
import { z } from 'zod';
import { PROBLEM_CONTENT_TYPE } from '../http/problem-details';
import type { ListEndpoint } from './endpoint';
import { cursorParameter, limitParameter, type ParameterSpec } from './query';
import { apiSchemas, completionPageSchema } from './schemas';
import { completionParameters } from './completions';

type Json = Record<string, unknown>;

/** A JSON schema for the document: no `$schema`/`$id` of its own (the document's dialect applies). */
function bare(schema: Json): Json {
  const { $schema: _s, $id: _i, ...rest } = schema;
  return rest;
}

function parameterSchema(spec: ParameterSpec): Json {
  return bare(z.toJSONSchema(spec.schema, {
    io: 'input', target: 'draft-2020-12',
    // An integer read from digits is documented as an integer; the digits-only pattern is the reader's business.
    override: (ctx) => { if (ctx.jsonSchema.type === 'integer') delete ctx.jsonSchema.pattern; },
  }) as Json);
}

function queryParameters(specs: readonly ParameterSpec[]): Json[] {
  return specs.map((p) => ({ name: p.name, in: 'query', required: false, description: p.description, schema: parameterSchema(p) }));
}

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const idOf = (schema: z.ZodType) => apiSchemas.get(schema)!.id;
const problem = (description: string) => ({ description, content: { [PROBLEM_CONTENT_TYPE]: { schema: ref('Problem') } } });

const RATE_HEADERS = {
  RateLimit: { description: 'The token\'s requests left in the current window (IETF draft-8 `RateLimit`).', schema: { type: 'string' } },
  'RateLimit-Policy': { description: 'The limit and window (IETF draft-8 `RateLimit-Policy`).', schema: { type: 'string' } },
};

/** The responses every token endpoint may give besides its 200. */
const ERRORS = {
  400: { $ref: '#/components/responses/InvalidParameter' },
  401: { $ref: '#/components/responses/Unauthenticated' },
  429: { $ref: '#/components/responses/TooManyRequests' },
  500: { $ref: '#/components/responses/Internal' },
};

export interface OpenApiInput {
  baseUrl: string;
  lists: readonly ListEndpoint[];
  rateLimit: { limit: number; windowMs: number };
}

export function openApiDocument({ baseUrl, lists, rateLimit }: OpenApiInput): Json {
  const paths: Json = {};
  for (const e of lists) {
    paths[e.path] = {
      get: {
        operationId: e.name, summary: e.summary, description: e.description, tags: ['reports'],
        parameters: queryParameters([...e.filters, limitParameter, cursorParameter]),
        responses: {
          200: { description: 'A page of rows, and the link to the next.', headers: { Link: { description: 'The next page, as `<url>; rel="next"`, when there is one.', schema: { type: 'string' } }, ...RATE_HEADERS }, content: { 'application/json': { schema: ref(idOf(e.page)) } } },
          ...ERRORS,
        },
      },
    };
  }
  paths['/completions'] = {
    get: {
      operationId: 'listCompletions', tags: ['reports'],
      summary: 'Where each learner stands in each required course',
      description: 'One row per learner and course the organization requires of them, by learner id then course id, with the status the '
        + 'managers\' completion report shows (the same rules and the same numbers). JSON in pages, or CSV: the whole filtered report in one '
        + 'response, streamed (UTF-8 with a byte order mark; a cell a spreadsheet would run as a formula starts with an apostrophe).',
      parameters: queryParameters(completionParameters),
      responses: {
        200: {
          description: 'A page of rows (JSON), or every row (CSV).',
          headers: { Link: { description: 'The next page (JSON), as `<url>; rel="next"`, when there is one.', schema: { type: 'string' } }, ...RATE_HEADERS },
          content: {
            'application/json': { schema: ref(idOf(completionPageSchema)) },
            'text/csv': { schema: { type: 'string' }, example: 'learner_id,learner_name,email,unit_id,unit,course_id,course_slug,course,status,percent,due_at,completed_at,expires_at\r\n' },
          },
        },
        ...ERRORS,
      },
    },
  };
  paths['/openapi.json'] = {
    get: {
      operationId: 'openApiDocument', tags: ['meta'], summary: 'This document', security: [],
      responses: { 200: { description: 'The OpenAPI 3.1 document of this API.', content: { 'application/json': { schema: { type: 'object' } } } } },
    },
  };

  const { schemas } = z.toJSONSchema(apiSchemas, { target: 'draft-2020-12', uri: (id) => `#/components/schemas/${id}` }) as { schemas: Record<string, Json> };
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'Bridgework reporting API',
      version: '1',
      description: 'Read an organization\'s people, required training and completions. Every request is made with an API token a manager of '
        + 'the organization creates on the organization\'s "API tokens" page (`Authorization: Bearer <token>`), and sees only that organization. '
        + `Each token may make ${rateLimit.limit} requests every ${Math.round(rateLimit.windowMs / 1000)} seconds. Lists are paged with an opaque cursor: `
        + 'follow `next` until it is null. Errors are RFC 9457 problem details. No answer or reflection a learner wrote is ever in a response.',
    },
    servers: [{ url: `${baseUrl}/api/v1` }],
    security: [{ bearerToken: [] }],
    tags: [{ name: 'reports', description: 'The organization\'s data.' }, { name: 'meta', description: 'About the API.' }],
    paths,
    components: {
      schemas: Object.fromEntries(Object.entries(schemas).map(([k, v]) => [k, bare(v)])),
      securitySchemes: {
        bearerToken: { type: 'http', scheme: 'bearer', description: 'An API token of the organization, made by one of its managers; shown once when made.' },
      },
      responses: {
        InvalidParameter: problem('A query parameter is unknown, repeated or not valid (`invalid_parameter`; `parameter` names it).'),
        Unauthenticated: {
          ...problem('No token (`unauthenticated`), or one that is malformed, unknown or revoked (`invalid_token`).'),
          headers: { 'WWW-Authenticate': { description: '`Bearer realm="bridgework"`, with `error="invalid_token"` when a token was sent.', schema: { type: 'string' } } },
        },
        TooManyRequests: {
          ...problem('The token made too many requests (`too_many_requests`).'),
          headers: { 'Retry-After': { description: 'Seconds until the token may make requests again.', schema: { type: 'integer' } }, ...RATE_HEADERS },
        },
        Internal: problem('Something went wrong on the server (`internal`); nothing of it is told.'),
      },
    },
  };
}
