import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { z } from 'zod';
import { hashToken, PrincipalCache } from './tokens/store.ts';
import { extensionOrigin, type ServerConfig } from './config.ts';
import type { Db } from './db/db.ts';
import { demoRoutes } from './demo/routes.ts';
import { detectionHealthRoutes } from './detection-health/routes.ts';
import { bearerToken, registerAuth, type RouteRole } from './http/auth.ts';
import { registerErrorHandling } from './http/errors.ts';
import { LoginThrottle } from './http/login-throttle.ts';
import { docsContentSecurityPolicy, registerSecurityHeaders } from './http/security-headers.ts';
import { registerTextInputChecks } from './http/text-input.ts';
import { HttpProblem, problemContentType, statusTitle } from './http/problem.ts';
import { adminRoutes } from './tokens/routes.ts';
import { contactRoutes } from './contacts/routes.ts';
import { insightsRoutes } from './insights/routes.ts';
import { outcomeRoutes } from './outcomes/routes.ts';
import { sessionRoutes } from './session/routes.ts';
import { scoringRoutes } from './scoring/routes.ts';
import { supervisorKpiRoutes } from './kpis/routes.ts';
import { supervisorRoutes } from './supervisor/routes.ts';
import { createNbaDecisionMaker, NbaEngine } from './nba/decide.ts';
import { nbaSettingsRoutes } from './nba/settings-routes.ts';
import { nbaVersionRoutes } from './nba/version-routes.ts';
import { outcomeResultRoutes } from './outcomes/results-routes.ts';
import { routingRoutes } from './routing/routes.ts';
import { ruleRoutes } from './nba/rule-routes.ts';
import { treatmentRoutes } from './nba/treatment-routes.ts';
import type { DecisionMaker } from './insights/decision-maker.ts';

export interface AppOptions {
  db: Db;
  config: ServerConfig;
  /** The next-best-action step; defaults to the src/nba engine over the stored catalogue. */
  decide?: DecisionMaker;
  logLevel?: string;
}

export interface RouteEntry {
  method: string;
  url: string;
  role: RouteRole | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route as registered, with its declared role (the role walk test reads it). */
    routeTable: RouteEntry[];
  }
}

export const apiVersion = '0.1.0';

/** Builds the whole API without listening, so tests drive it with `app.inject()`. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { db, config } = options;
  const app = Fastify({
    logger: options.logLevel ? { level: options.logLevel } : false,
    // Import bodies are streams; JSON bodies keep the default limit.
    bodyLimit: 1024 * 1024,
    ...(config.trustedProxies.length ? { trustProxy: config.trustedProxies } : {}),
    // A URL the router cannot even read (bad percent-encoding, an overlong parameter) is
    // refused before any hook runs; it still answers in the API's one error format.
    frameworkErrors: (error, _request, reply) => {
      const status = error.statusCode ?? 400;
      const problem = new HttpProblem(status, statusTitle(status), error.message);
      void (reply as FastifyReply).code(status).type(problemContentType).send(problem.toProblem());
    },
  });
  const routeTable: RouteEntry[] = [];
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      routeTable.push({ method, url: route.url, role: route.config?.role });
    }
  });

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);
  registerTextInputChecks(app);
  await registerSecurityHeaders(app);

  const allowedOrigins = new Set([extensionOrigin, ...config.corsOrigins]);
  await app.register(cors, {
    origin: (origin, callback) =>
      callback(null, origin !== undefined && allowedOrigins.has(origin)),
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key'],
    maxAge: 600,
    // A preflight missing its request method gets the API's problem+json 400 from the
    // router instead of the plugin's plain-text one.
    strictPreflight: false,
  });
  await app.register(rateLimit, {
    max: config.rateLimitPerMinute,
    timeWindow: 60_000,
    keyGenerator: (request) => {
      const token = bearerToken(request);
      return token ? `token:${hashToken(token)}` : `ip:${request.ip}`;
    },
    errorResponseBuilder: (_request, context) =>
      new HttpProblem(
        429,
        'Too Many Requests',
        `More than ${context.max} requests a minute with this token; retry in ${context.after}.`,
      ),
  });
  const principals = new PrincipalCache(db);
  registerAuth(
    app,
    principals,
    new LoginThrottle({ failuresPerWindow: config.authFailuresPer15Minutes, windowSeconds: 900 }),
  );

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'LoopDesk customer-intelligence API',
        version: apiVersion,
        description:
          'Insights for the CSR side panel, outcomes, contacts, imports and administration.',
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    staticCSP: true,
    transformStaticCSP: docsContentSecurityPolicy,
  });

  const typed = app.withTypeProvider<ZodTypeProvider>();
  typed.get(
    '/healthz',
    {
      config: { role: 'public' },
      schema: {
        tags: ['public'],
        summary: 'Liveness and database reachability',
        security: [],
        response: {
          200: z.object({ status: z.literal('ok'), database: z.enum(['pglite', 'postgres']) }),
        },
      },
    },
    async () => {
      await db.query('SELECT 1');
      return { status: 'ok' as const, database: db.kind };
    },
  );
  typed.get('/openapi.json', { config: { role: 'public' }, schema: { hide: true } }, async () =>
    app.swagger(),
  );

  const nbaEngine = new NbaEngine();
  const decide = options.decide ?? createNbaDecisionMaker(nbaEngine);
  insightsRoutes(app, { db, decide, phoneRegion: config.phoneRegion });
  outcomeRoutes(app, db);
  contactRoutes(app, db);
  sessionRoutes(app, db);
  adminRoutes(app, { db, config, principals });
  scoringRoutes(app, db, config);
  supervisorKpiRoutes(app, db);
  supervisorRoutes(app, db);
  treatmentRoutes(app, db);
  ruleRoutes(app, db);
  routingRoutes(app, { db, engine: nbaEngine, phoneRegion: config.phoneRegion });
  nbaSettingsRoutes(app, db);
  nbaVersionRoutes(app, db);
  outcomeResultRoutes(app, db);
  detectionHealthRoutes(app, db);
  if (config.demoCrm) demoRoutes(app, db);

  await app.ready();
  return app;
}
