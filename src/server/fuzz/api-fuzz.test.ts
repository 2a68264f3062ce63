import fc from 'fast-check';
import { z } from 'zod';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { segmentNames } from '../../contract/insights.ts';
import { buildApp } from '../app.ts';
import { extensionOrigin } from '../config.ts';
import { createToken, hashToken, roleAllows, type Role } from '../tokens/store.ts';
import type { Db } from '../db/db.ts';
import { migrate } from '../db/migrate.ts';
import { openPglite } from '../db/pglite.ts';
import { demoCallSchema } from '../demo/demo-phone.ts';
import type { JsonSchema } from './schema-arbitrary.ts';
import { seedDemo } from '../demo/seed.ts';
import type { RouteRole } from '../http/auth.ts';
import { importColumns, importKinds, type ImportKind } from '../imports/rows.ts';
import { resultKinds } from '../outcomes/results.ts';
import { scopeOf } from '../teams/scope.ts';
import { testConfig } from '../testing/app-harness.ts';
import {
  describeRequest,
  fastifyPath,
  requestArbitrary,
  safeMethods,
  tableBody,
  targetsFromOpenApi,
  type FuzzRequest,
  type FuzzTarget,
  type OpenApiDocument,
  type TableOptions,
} from './request-arbitrary.ts';

/**
 * Property-based fuzzing of every route: requests valid by the published schema and requests
 * with parts broken, each sent with no token, an unknown token and every role's token.
 * Invariants: never a 5xx; a 2xx only for a caller at or above the route's role; every 4xx is
 * problem+json whose status matches. LOOPDESK_FUZZ_SEED replays a run; LOOPDESK_FUZZ_SCALE
 * multiplies the number of runs (CI keeps 1, about a minute on two cores). By default a route
 * stops at its first failure and fast-check shrinks it to a minimal request;
 * LOOPDESK_FUZZ_SURVEY=1 instead runs on and lists each distinct failure once, unshrunk.
 */

const seed = Number(process.env.LOOPDESK_FUZZ_SEED ?? 20_250_601);
const scale = Number(process.env.LOOPDESK_FUZZ_SCALE ?? 1);
const survey = process.env.LOOPDESK_FUZZ_SURVEY === '1';
const asOf = new Date('2025-06-01T00:00:00Z');

interface Caller {
  name: string;
  /** null for callers without a valid token. */
  role: Role | null;
  authorization: (request: FuzzRequest) => string | undefined;
}

interface FixtureToken {
  role: Role;
  agentName: string;
  token: string;
}

/** A target as fuzzed here: its role, its routeTable URL and how many runs it gets. */
interface Route extends FuzzTarget {
  role: RouteRole;
  routeUrl: string;
  validRuns: number;
  invalidRuns: number;
  /** Pages for a browser (the demo CRM), whose "not found" is an HTML page, not problem+json. */
  pages?: boolean;
}

const runs = (valid: number, invalid: number) => ({
  validRuns: Math.max(1, Math.round(valid * scale)),
  invalidRuns: Math.max(1, Math.round(invalid * scale)),
});

/** Routes whose work is heavy (model fits) get fewer runs, so the suite stays near a minute. */
const heavy = new Set(['POST /v1/scoring/runs', 'POST /v1/models/check']);

/** Routes the OpenAPI document leaves out on purpose (hidden), fuzzed all the same. */
type Undocumented = FuzzTarget & { routeUrl?: string; pages?: boolean };

const undocumented: Undocumented[] = [
  { method: 'GET', path: '/openapi.json', parameters: [] },
  { method: 'GET', path: '/demo', parameters: [], pages: true },
  { method: 'GET', path: '/demo/app.js', parameters: [] },
  { method: 'GET', path: '/demo/favicon.svg', parameters: [] },
  {
    method: 'POST',
    path: '/demo/calls',
    parameters: [],
    json: {
      required: true,
      contentTypes: ['application/json'],
      schema: z.toJSONSchema(demoCallSchema) as JsonSchema,
      examples: [{ callId: 'demo-fuzz1', customerId: 'CUST-0001', state: 'ringing' }],
    },
  },
  {
    method: 'GET',
    path: '/demo/customers/{customerId}',
    parameters: [{ name: 'customerId', in: 'path', required: true, schema: { type: 'string' } }],
    pages: true,
  },
  {
    method: 'GET',
    path: '/demo/tickets/{ticketId}',
    parameters: [{ name: 'ticketId', in: 'path', required: true, schema: { type: 'string' } }],
    pages: true,
  },
  {
    method: 'GET',
    path: '/demo/chats/{conversationId}',
    parameters: [
      { name: 'conversationId', in: 'path', required: true, schema: { type: 'string' } },
    ],
    pages: true,
  },
  // Intercom checks a webhook URL with a HEAD before saving it.
  { method: 'HEAD', path: '/v1/webhooks/intercom', parameters: [] },
  {
    method: 'GET',
    path: '/docs/static/{file}',
    routeUrl: '/docs/static/*',
    parameters: [{ name: 'file', in: 'path', required: true, schema: { type: 'string' } }],
  },
  {
    // CORS preflight for any path: answered by @fastify/cors before routing.
    method: 'OPTIONS',
    path: '/v1/{anything}',
    routeUrl: '*',
    parameters: [
      { name: 'anything', in: 'path', required: true, schema: { type: 'string' } },
      {
        name: 'origin',
        in: 'header',
        schema: { type: 'string', enum: [extensionOrigin, 'https://evil.example'] },
      },
      { name: 'access-control-request-method', in: 'header', schema: { type: 'string' } },
    ],
  },
];

interface Fixture {
  db: Db;
  app: FastifyInstance;
  tokens: Record<'csr' | 'supervisor' | 'supervisorNoTeam' | 'admin' | 'integration', FixtureToken>;
  examples: Map<string, string[]>;
  routes: Route[];
  restored: number;
}

async function createFixture(): Promise<Fixture> {
  const db = await openPglite();
  await migrate(db);
  // A small population keeps scoring runs and KPI queries quick on PGlite.
  await seedDemo(db, { customers: 120, asOf, seed });
  const app = await buildApp({
    db,
    // Limits no run reaches: a 429 would hide what the route itself does. The fuzz sends
    // thousands of unknown tokens from one address, which the login throttle would punish.
    config: testConfig({
      rateLimitPerMinute: 1_000_000_000,
      authFailuresPer15Minutes: 1_000_000_000,
      demoCrm: true,
    }),
  });
  const issue = async (role: Role, agentName: string) => ({
    role,
    agentName,
    token: (await createToken(db, { role, agentName, actor: 'fuzz' })).token,
  });
  const tokens = {
    csr: await issue('csr', 'fuzz-csr'),
    supervisor: await issue('supervisor', 'fuzz-supervisor'),
    supervisorNoTeam: await issue('supervisor', 'fuzz-supervisor-no-team'),
    admin: await issue('admin', 'fuzz-admin'),
    integration: await issue('integration', 'fuzz-pbx'),
  };
  const fixture: Fixture = { db, app, tokens, examples: new Map(), routes: [], restored: 0 };
  await giveTeam(fixture);

  const as = async (token: FixtureToken, url: string): Promise<unknown> => {
    const response = await app.inject({
      method: 'GET',
      url,
      headers: { authorization: `Bearer ${token.token}` },
    });
    if (response.statusCode !== 200) throw new Error(`${url}: ${response.statusCode}`);
    return response.json();
  };
  // A few decisions, so outcome and results routes have ids that exist.
  for (const id of ['CUST-0001', 'CUST-0004', 'CUST-0010']) {
    await as(tokens.csr, `/v1/insights?crm=demo&type=customer&id=${id}`);
  }
  fixture.examples = await harvestExamples(fixture, as);

  const document = (
    await app.inject({ method: 'GET', url: '/openapi.json' })
  ).json<OpenApiDocument>();
  const roles = new Map(app.routeTable.map((r) => [`${r.method} ${r.url}`, r.role] as const));
  const documented = targetsFromOpenApi(document);
  const all: Undocumented[] = [...documented, ...undocumented];
  for (const target of [...all]) {
    const url = target.routeUrl ?? fastifyPath(target.path);
    if (target.method === 'GET' && roles.has(`HEAD ${url}`)) {
      all.push({ ...target, method: 'HEAD', routeUrl: url });
    }
  }
  for (const target of all) {
    const routeUrl = target.routeUrl ?? fastifyPath(target.path);
    const key = `${target.method} ${target.path}`;
    // Swagger UI's routes and the preflight declare no role; the auth hook lets them through.
    const role = roles.get(`${target.method} ${routeUrl}`) ?? 'public';
    await addBodyExamples(target, all, fixture, as);
    if (key === 'DELETE /v1/tokens/{id}')
      target.examples = { id: fixture.examples.get('tokenId') ?? [] };
    if (key.startsWith('POST /v1/churn/')) target.examples = churnQueryExamples;
    if (key === 'POST /v1/detection-health/reports') target.examples = detectionDayExamples();
    fixture.routes.push({
      ...target,
      role,
      routeUrl,
      ...(target.method === 'HEAD' || target.method === 'OPTIONS' || routeUrl.startsWith('/docs')
        ? runs(4, 8)
        : heavy.has(key)
          ? runs(6, 12)
          : runs(15, 30)),
      ...rawBodies(key, fixture.examples),
    });
  }
  return fixture;
}

/** The supervisor with a team sees Support; the other one must stay without a team. */
async function giveTeam(fixture: Fixture): Promise<void> {
  const response = await fixture.app.inject({
    method: 'PUT',
    url: '/v1/supervisor/teams',
    headers: { authorization: `Bearer ${fixture.tokens.admin.token}` },
    payload: { supervisor: fixture.tokens.supervisor.agentName, teams: ['Support'] },
  });
  if (response.statusCode !== 200)
    throw new Error(`teams: ${response.statusCode} ${response.body}`);
}

async function teamCount(db: Db, agentName: string): Promise<number> {
  try {
    const scope = await scopeOf(db, { role: 'supervisor', agentName, tokenHash: '' });
    return scope.teamIds?.length ?? 0;
  } catch {
    return 0;
  }
}

/**
 * Fuzzed requests may revoke the fuzz's own tokens or remap its supervisors (that is what those
 * routes are for); put them back so later requests still run as every role.
 */
async function restoreFixtures(fixture: Fixture): Promise<void> {
  const { db, tokens } = fixture;
  const all = Object.values(tokens);
  const { rows } = await db.query<{ token_hash: string }>(
    'SELECT token_hash FROM tokens WHERE token_hash = ANY($1::text[]) AND revoked_at IS NULL',
    [all.map((t) => hashToken(t.token))],
  );
  const active = new Set(rows.map((r) => r.token_hash));
  for (const [key, token] of Object.entries(tokens) as [keyof Fixture['tokens'], FixtureToken][]) {
    if (active.has(hashToken(token.token))) continue;
    tokens[key] = {
      ...token,
      token: (
        await createToken(db, { role: token.role, agentName: token.agentName, actor: 'fuzz' })
      ).token,
    };
    fixture.restored += 1;
  }
  if ((await teamCount(db, tokens.supervisor.agentName)) === 0) {
    await giveTeam(fixture);
    fixture.restored += 1;
  }
  if ((await teamCount(db, tokens.supervisorNoTeam.agentName)) > 0) {
    const agentName = `fuzz-supervisor-no-team-${fixture.restored}`;
    tokens.supervisorNoTeam = {
      role: 'supervisor',
      agentName,
      token: (await createToken(db, { role: 'supervisor', agentName, actor: 'fuzz' })).token,
    };
    fixture.restored += 1;
  }
}

/** Values that exist in the seeded data, by the field names routes use for them. */
async function harvestExamples(
  fixture: Fixture,
  as: (token: FixtureToken, url: string) => Promise<unknown>,
): Promise<Map<string, string[]>> {
  const { db, tokens } = fixture;
  const column = async (sql: string) =>
    (await db.query<{ v: string }>(sql)).rows.map((row) => String(row.v));
  const customers = await column('SELECT customer_id AS v FROM customers ORDER BY id LIMIT 12');
  const emails = await column(
    "SELECT value AS v FROM identities WHERE kind = 'email' ORDER BY id LIMIT 6",
  );
  const phones = await column(
    "SELECT value AS v FROM identities WHERE kind = 'phone' ORDER BY id LIMIT 6",
  );
  const decisions = await column('SELECT id::text AS v FROM decisions ORDER BY created_at LIMIT 6');
  const teams = await column('SELECT name AS v FROM teams ORDER BY name');
  const agents = [
    ...(await column('SELECT name AS v FROM agents ORDER BY name LIMIT 6')),
    ...Object.values(tokens).map((t) => t.agentName),
  ];
  const ids = (list: unknown) => (list as { id: string }[]).map((item) => String(item.id));
  const treatments = ids(await as(tokens.admin, '/v1/treatments'));
  const rules = ids(await as(tokens.admin, '/v1/rules'));
  const tokenIds = ids(await as(tokens.admin, '/v1/tokens'));
  const actions = await column('SELECT DISTINCT action AS v FROM audit_log ORDER BY action');
  return new Map<string, string[]>([
    ['customerId', customers],
    // CRM record ids (insights, routing) and catalogue ids (version history).
    ['id', [...customers, ...treatments, ...rules]],
    ['tokenId', tokenIds],
    ['email', emails],
    ['phone', phones],
    ['crm', ['demo', 'salesforce']],
    ['type', ['customer']],
    ['context', ['T-1001']],
    ['decisionId', decisions],
    ['treatmentId', treatments],
    ['treatment', treatments],
    ['team', teams],
    ['teams', teams],
    ['agent', agents],
    ['supervisor', agents],
    ['name', agents],
    ['segment', [...segmentNames]],
    ['action', actions],
    ['q', ['price', 'call back']],
    ['ticketId', ['1', '42', '0', '-1', '1e3']],
    ['file', ['index.html', 'swagger-initializer.js', 'swagger-ui.css']],
    ['access-control-request-method', ['GET', 'POST', 'PATCH', 'TRACE']],
  ]);
}

/** Fields a GET adds to a stored item (its version and last change), which a PUT refuses. */
const serverManagedFields = new Set(['version', 'updatedAt', 'updatedBy', 'configVersion']);

/**
 * PUT and PATCH bodies validated by code rather than by the published schema (a treatment, the
 * routing config) start from what the matching GET returns, so valid bodies get past "422";
 * the ids of those items are the examples for the path's {id}.
 */
async function addBodyExamples(
  target: FuzzTarget,
  all: FuzzTarget[],
  fixture: Fixture,
  as: (token: FixtureToken, url: string) => Promise<unknown>,
): Promise<void> {
  if (!target.json || (target.method !== 'PUT' && target.method !== 'PATCH')) return;
  const collection = target.path.replace(/\/\{[^}]+\}$/, '');
  if (!all.some((t) => t.method === 'GET' && t.path === collection)) return;
  const current = await as(fixture.tokens.admin, collection);
  const items = (Array.isArray(current) ? current.slice(0, 6) : [current]).filter(
    (item): item is Record<string, unknown> => item !== null && typeof item === 'object',
  );
  const declared = target.json.schema.properties;
  target.json.examples = items.map((item) =>
    Object.fromEntries(
      Object.entries(item).filter(([key]) =>
        declared && target.json?.schema.additionalProperties === false
          ? key in declared
          : !serverManagedFields.has(key),
      ),
    ),
  );
  if (collection !== target.path) {
    target.examples = { id: items.map((item) => String(item.id)) };
  }
}

function pick(list: readonly string[]): fc.Arbitrary<string> {
  return fc.constantFrom(...list);
}

/** The training file's columns, so that some training requests name columns that exist. */
const churnQueryExamples = {
  id: ['customer_id'],
  label: ['churned'],
  types: ['tenure_months=numeric,plan=categorical', 'monthly_spend:numeric'],
  ignore: ['gender', 'plan,gender'],
};

/** Detection reports take only recent days (by the real clock), so some valid ones count. */
function detectionDayExamples(): Record<string, string[]> {
  const day = (ago: number) => new Date(Date.now() - ago * 86_400_000).toISOString().slice(0, 10);
  return { day: [day(0), day(1), day(6), day(40)] };
}

const timestampCell = fc
  .date({ min: new Date('2020-01-01T00:00:00Z'), max: asOf, noInvalidDate: true })
  .chain((d) =>
    fc.constantFrom(d.toISOString(), d.toISOString().slice(0, 10), d.toISOString().slice(0, 19)),
  );
const amountCell = fc.double({ min: -5, max: 5000, noNaN: true }).map((n) => n.toFixed(2));

/** Upload bodies (CSV, NDJSON, gzip) for the routes the OpenAPI document shows without one. */
function rawBodies(key: string, examples: Map<string, string[]>): Pick<FuzzTarget, 'raw'> {
  const known = (name: string) => examples.get(name) ?? [];
  const ndjsonTypes = ['application/x-ndjson', 'application/ndjson', 'application/jsonl'];
  const churnColumns = (label: boolean): TableOptions => ({
    required: label ? ['customer_id', 'churned'] : ['customer_id'],
    optional: ['tenure_months', 'plan', 'monthly_spend', 'gender'],
    cell: (column) =>
      column === 'customer_id'
        ? fc.oneof(pick(known('customerId')), fc.stringMatching(/^C[0-9]{1,4}$/))
        : column === 'churned'
          ? pick(['0', '1', 'true', 'false'])
          : column === 'plan' || column === 'gender'
            ? pick(['basic', 'gold', 'f', 'm', ''])
            : fc.integer({ min: 0, max: 120 }).map(String),
    csvTypes: ['text/csv'],
    ndjsonTypes: [],
    // Cross-validation needs both labels in every fold.
    minRows: label ? 30 : 1,
    maxRows: 60,
  });
  switch (key) {
    case 'POST /v1/imports/{kind}':
      return {
        raw: (path, valid) => {
          const kind: ImportKind = importKinds.includes(path.kind as ImportKind)
            ? (path.kind as ImportKind)
            : 'customers';
          const { required, allowed } = importColumns[kind];
          return tableBody(
            {
              required,
              optional: (allowed ?? ['name', 'email', 'phone', 'since', 'plan']).filter(
                (c) => !required.includes(c),
              ),
              cell: (column) => importCell(kind, column, known),
              csvTypes: ['text/csv'],
              ndjsonTypes,
              gzipTypes: ['application/gzip', 'application/octet-stream'],
            },
            valid,
          );
        },
      };
    case 'POST /v1/outcomes/results':
      return {
        raw: (_path, valid) =>
          tableBody(
            {
              required: ['decision_id', 'kind'],
              optional: ['amount'],
              cell: (column) =>
                column === 'decision_id'
                  ? fc.oneof(
                      { arbitrary: pick(known('decisionId')), weight: 9 },
                      { arbitrary: fc.uuid(), weight: 1 },
                    )
                  : column === 'kind'
                    ? pick(resultKinds)
                    : amountCell,
              csvTypes: ['text/csv'],
              ndjsonTypes,
            },
            valid,
          ),
      };
    case 'POST /v1/churn/models':
      return { raw: (_path, valid) => tableBody(churnColumns(true), valid) };
    case 'POST /v1/churn/predictions':
      return { raw: (_path, valid) => tableBody(churnColumns(false), valid) };
    default:
      return {};
  }
}

function importCell(
  kind: ImportKind,
  column: string,
  known: (name: string) => string[],
): fc.Arbitrary<string> {
  const customer = fc.oneof(pick(known('customerId')), fc.stringMatching(/^FUZZ-[0-9]{1,3}$/));
  switch (column) {
    case 'customer_id':
      return customer;
    case 'contact_id':
    case 'order_id':
      return fc.stringMatching(/^[A-Z]{1,2}-[0-9]{1,5}$/);
    case 'occurred_at':
    case 'started_at':
    case 'ended_at':
    case 'since':
      return timestampCell;
    case 'amount':
      return amountCell;
    case 'csat':
      return pick(['1', '3', '5', '']);
    case 'resolved_first_contact':
      return pick(['true', 'false', 'yes', 'no', '']);
    case 'kind':
      return pick(['record', 'email', 'phone']);
    case 'value':
      return fc.oneof(pick(known('email')), pick(known('phone')), fc.stringMatching(/^R[0-9]{3}$/));
    case 'crm':
      return pick(['demo', 'salesforce']);
    case 'object_type':
      return pick(['customer', 'contact']);
    case 'currency':
      return pick(['USD', 'EUR', '']);
    case 'channel':
      return pick(['phone', 'chat', 'email']);
    case 'agent':
      return pick(known('agent'));
    case 'team':
      return pick(known('team'));
    case 'email':
      return fc.oneof(pick(known('email')), fc.constant(''));
    case 'phone':
      return fc.oneof(pick(known('phone')), fc.constant('(415) 555-0100'));
    default:
      return kind === 'customers'
        ? fc.string({ maxLength: 12 })
        : fc.stringMatching(/^[a-z ]{0,10}$/);
  }
}

// Route counts, by route and caller: [1xx, 2xx, 3xx, 4xx, 5xx].
const counts = new Map<string, Map<string, number[]>>();
const durations = new Map<string, number>();
const failures: string[] = [];
/** Survey mode: each distinct failure of a route, by route and then by what broke. */
const surveyed = new Map<string, Map<string, { example: string; times: number }>>();

function count(route: Route, caller: string, status: number): void {
  const key = `${route.method} ${route.path}`;
  const byCaller = counts.get(key) ?? new Map<string, number[]>();
  counts.set(key, byCaller);
  const classes = byCaller.get(caller) ?? [0, 0, 0, 0, 0];
  byCaller.set(caller, classes);
  classes[Math.min(Math.max(Math.floor(status / 100) - 1, 0), 4)]! += 1;
}

function callersOf(fixture: Fixture): Caller[] {
  const bearer = (token: () => FixtureToken) => () => `Bearer ${token().token}`;
  return [
    { name: 'anonymous', role: null, authorization: () => undefined },
    { name: 'unknown token', role: null, authorization: (r) => r.strangeAuthorization },
    { name: 'csr', role: 'csr', authorization: bearer(() => fixture.tokens.csr) },
    {
      name: 'supervisor without team',
      role: 'supervisor',
      authorization: bearer(() => fixture.tokens.supervisorNoTeam),
    },
    {
      name: 'supervisor',
      role: 'supervisor',
      authorization: bearer(() => fixture.tokens.supervisor),
    },
    { name: 'admin', role: 'admin', authorization: bearer(() => fixture.tokens.admin) },
    {
      name: 'integration',
      role: 'integration',
      authorization: bearer(() => fixture.tokens.integration),
    },
  ];
}

/** The broken invariant, if any, as one line. */
function violation(
  route: Route,
  caller: Caller,
  status: number,
  headers: Record<string, unknown>,
  body: string,
): string | null {
  if (status >= 500) return `answered ${status}`;
  const allowed =
    route.role === 'public' || (caller.role !== null && roleAllows(caller.role, route.role));
  if (status >= 200 && status < 300 && !allowed) {
    return `answered ${status} to a caller below the route's role (${route.role})`;
  }
  if (status >= 400 && status < 500) {
    const type = String(headers['content-type'] ?? '');
    if (route.pages && type.startsWith('text/html')) return null;
    if (!type.startsWith('application/problem+json')) {
      return `answered ${status} as "${type}", not application/problem+json`;
    }
    if (route.method === 'HEAD') return null;
    let problem: { type?: unknown; title?: unknown; status?: unknown };
    try {
      problem = JSON.parse(body) as typeof problem;
    } catch {
      return `answered ${status} with a problem+json body that is not JSON`;
    }
    if (
      typeof problem.type !== 'string' ||
      typeof problem.title !== 'string' ||
      problem.status !== status
    ) {
      return `answered ${status} with a problem lacking type/title or with status ${String(problem.status)}`;
    }
  }
  return null;
}

/**
 * One request and its whole answer. An event stream never ends by itself: its first frame is
 * read and the connection dropped, as a client going away would.
 */
async function injectOnce(
  app: FastifyInstance,
  options: InjectOptions,
): Promise<{ statusCode: number; headers: Record<string, unknown>; body: string }> {
  const controller = new AbortController();
  const response = await app.inject({
    ...options,
    payloadAsStream: true,
    signal: controller.signal,
  });
  const stream = response.stream();
  const chunks: Buffer[] = [];
  const streaming = String(response.headers['content-type'] ?? '').startsWith('text/event-stream');
  for await (const chunk of stream) {
    chunks.push(Buffer.from(chunk as Uint8Array));
    if (streaming) break;
  }
  controller.abort();
  return {
    statusCode: response.statusCode,
    headers: response.headers,
    body: Buffer.concat(chunks).toString('utf8'),
  };
}

async function exercise(fixture: Fixture, route: Route, request: FuzzRequest): Promise<void> {
  for (const caller of callersOf(fixture)) {
    const authorization = caller.authorization(request);
    const response = await injectOnce(fixture.app, {
      method: request.method as 'GET',
      url: request.url,
      headers: { ...request.headers, ...(authorization ? { authorization } : {}) },
      ...(request.payload !== undefined ? { payload: request.payload } : {}),
    });
    count(route, caller.name, response.statusCode);
    const broken = violation(route, caller, response.statusCode, response.headers, response.body);
    if (broken) {
      const report = [
        `${route.method} ${route.path} (role ${route.role}): ${caller.name} ${broken}`,
        describeRequest(request, authorization),
        `response: ${response.statusCode} ${String(response.headers['content-type'] ?? '')} ${response.body.slice(0, 600)}`,
      ].join('\n');
      if (!survey) throw new Error(report);
      const key = `${route.method} ${route.path}`;
      const byKind = surveyed.get(key) ?? new Map<string, { example: string; times: number }>();
      surveyed.set(key, byKind);
      const kind = `${broken} (${request.broken.length === 0 ? 'valid' : 'broken'} request)`;
      const seen = byKind.get(kind);
      if (!seen) byKind.set(kind, { example: report, times: 1 });
      else {
        seen.times += 1;
        // The shortest report is usually the clearest example.
        if (report.length < seen.example.length) seen.example = report;
      }
    }
    if (!safeMethods.has(route.method) && response.statusCode < 300) {
      await restoreFixtures(fixture);
    }
  }
}

/** A seed per route from the run's seed, so adding a route leaves the others' cases alone. */
function routeSeed(route: Route, mode: string): number {
  let hash = seed | 0;
  for (const char of `${route.method} ${route.path} ${mode}`) {
    hash = Math.imul(hash ^ char.charCodeAt(0), 0x5bd1e995) | 0;
  }
  return hash;
}

const fixture = await createFixture();

describe('API fuzz on PGlite', () => {
  afterAll(async () => {
    const total = [0, 0, 0, 0, 0];
    const byCaller = new Map<string, number[]>();
    const lines: string[] = [];
    for (const route of fixture.routes) {
      const key = `${route.method} ${route.path}`;
      const routeTotal = [0, 0, 0, 0, 0];
      for (const [caller, classes] of counts.get(key) ?? []) {
        const callerTotal = byCaller.get(caller) ?? [0, 0, 0, 0, 0];
        byCaller.set(caller, callerTotal);
        classes.forEach((n, i) => {
          routeTotal[i]! += n;
          total[i]! += n;
          callerTotal[i]! += n;
        });
      }
      const sum = routeTotal.reduce((a, b) => a + b, 0);
      lines.push(
        `  ${key.padEnd(42)} ${String(sum).padStart(5)} sent  2xx ${routeTotal[1]}  3xx ${routeTotal[2]}  4xx ${routeTotal[3]}  5xx ${routeTotal[4]}  (${route.role}, ${route.validRuns}+${route.invalidRuns} runs, ${((durations.get(key) ?? 0) / 1000).toFixed(1)} s)`,
      );
    }
    const sent = total.reduce((a, b) => a + b, 0);
    const summary = [
      `API fuzz: seed ${seed}, scale ${scale}, ${fixture.routes.length} routes, ${sent} requests: 2xx ${total[1]}, 3xx ${total[2]}, 4xx ${total[3]}, 5xx ${total[4]}; fixtures restored ${fixture.restored} times; ${failures.length} routes failing`,
      ...lines,
      ...[...byCaller].map(
        ([caller, c]) =>
          `  as ${caller.padEnd(24)} 2xx ${c[1]}  3xx ${c[2]}  4xx ${c[3]}  5xx ${c[4]}`,
      ),
    ];
    console.log(summary.join('\n'));
    await fixture.app.close();
    await fixture.db.close();
  });

  it('fuzzes every route the server registers, and every route declares its role', () => {
    const covered = new Set(fixture.routes.map((r) => `${r.method} ${r.routeUrl}`));
    const missed = fixture.app.routeTable
      .map((r) => `${r.method} ${r.url}`)
      // Swagger UI's own files are served by a plugin; one wildcard route stands for them.
      .filter((key) => !covered.has(key) && !/^(GET|HEAD) \/docs/.test(key));
    expect(
      missed,
      'routes no fuzz target covers: add them to the document or to undocumented',
    ).toEqual([]);
    // The document or the list above could name a route that is not registered as written.
    const undeclared = fixture.routes.filter(
      (r) =>
        !r.routeUrl.startsWith('/docs') &&
        r.routeUrl !== '*' &&
        !fixture.app.routeTable.some(
          (t) => t.method === r.method && t.url === r.routeUrl && t.role !== undefined,
        ),
    );
    expect(undeclared.map((r) => `${r.method} ${r.path}`)).toEqual([]);
  });

  for (const route of fixture.routes) {
    const key = `${route.method} ${route.path}`;
    it(`keeps the invariants on ${key}`, { timeout: 180_000 }, async () => {
      const started = Date.now();
      const problems: string[] = [];
      for (const mode of ['valid', 'invalid'] as const) {
        const details = await fc.check(
          fc.asyncProperty(
            requestArbitrary(route, {
              valid: mode === 'valid',
              examples: (name) => (name === undefined ? [] : (fixture.examples.get(name) ?? [])),
            }),
            (request) => exercise(fixture, route, request),
          ),
          {
            numRuns: mode === 'valid' ? route.validRuns : route.invalidRuns,
            seed: routeSeed(route, mode),
          },
        );
        if (details.failed) {
          const error = details.errorInstance;
          problems.push(
            `${mode} requests, seed ${details.seed}, path "${details.counterexamplePath}", shrunk ${details.numShrinks} times:\n${error instanceof Error ? error.message : String(error)}`,
          );
        }
      }
      durations.set(key, Date.now() - started);
      for (const [kind, { example, times }] of surveyed.get(key) ?? []) {
        problems.push(`${kind}, ${times} times; for example:\n${example}`);
      }
      if (problems.length > 0) {
        failures.push(key);
        throw new Error(problems.join('\n\n'));
      }
    });
  }
});
