import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { auditRoutes } from './audit/routes.ts';
import { AgentEventHub } from './calls/agent-event-hub.ts';
import { callRoutes } from './calls/routes.ts';
import type { ServerConfig } from './config.ts';
import { contactRoutes } from './contacts/routes.ts';
import type { Db } from './db/db.ts';
import { demoRoutes } from './demo/routes.ts';
import { detectionHealthRoutes } from './detection-health/routes.ts';
import { healthRoutes } from './health/routes.ts';
import { registerApiDocs } from './http/api-docs.ts';
import { registerAuth } from './http/auth.ts';
import { registerCors } from './http/cors.ts';
import { answerFrameworkError, registerErrorHandling } from './http/errors.ts';
import { LoginThrottle } from './http/login-throttle.ts';
import { registerRateLimit } from './http/rate-limit.ts';
import { registerRouteTable } from './http/route-table.ts';
import { registerSecurityHeaders } from './http/security-headers.ts';
import { registerTextInputChecks } from './http/text-input.ts';
import { importRoutes } from './imports/routes.ts';
import type { DecisionMaker } from './insights/decision-maker.ts';
import { insightsRoutes } from './insights/routes.ts';
import { kpiRoutes } from './kpis/routes.ts';
import { seededRng } from '../nba/index.ts';
import { createNbaDecisionMaker, NbaEngine } from './nba/decide.ts';
import { nbaRoutes } from './nba/routes.ts';
import { outcomeRoutes } from './outcomes/routes.ts';
import { routingRoutes } from './routing/routes.ts';
import { scoringRoutes } from './scoring/routes.ts';
import { sessionRoutes } from './session/routes.ts';
import { supervisorRoutes } from './supervisor/routes.ts';
import { teamRoutes } from './teams/routes.ts';
import { PrincipalCache } from './tokens/store.ts';
import { tokenRoutes } from './tokens/routes.ts';
import { webhookRoutes } from './webhooks/routes.ts';

export interface AppOptions {
  db: Db;
  config: ServerConfig;
  /** The next-best-action step; defaults to the src/nba engine over the stored catalogue. */
  decide?: DecisionMaker;
  logLevel?: string;
  /** Agents' event streams on this server; given by a bench that counts them. */
  agentEvents?: AgentEventHub;
  /** How often an idle event stream sends a keep-alive comment (default 15 s). */
  eventHeartbeatMs?: number;
}

const apiVersion = '0.1.0';

/** Builds the whole API without listening, so tests drive it with `app.inject()`. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { db, config } = options;
  const app = Fastify({
    logger: options.logLevel ? { level: options.logLevel } : false,
    // Import bodies are streams; JSON bodies keep the default limit.
    bodyLimit: 1024 * 1024,
    ...(config.trustedProxies.length ? { trustProxy: config.trustedProxies } : {}),
    frameworkErrors: answerFrameworkError,
  });
  registerRouteTable(app);

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);
  registerTextInputChecks(app);
  await registerSecurityHeaders(app);

  await registerCors(app, config.corsOrigins);
  await registerRateLimit(app, config.rateLimitPerMinute);
  const principals = new PrincipalCache(db);
  registerAuth(
    app,
    principals,
    new LoginThrottle({ failuresPerWindow: config.authFailuresPer15Minutes, windowSeconds: 900 }),
  );

  await registerApiDocs(app, apiVersion);

  healthRoutes(app, db);
  const nbaEngine = new NbaEngine(
    config.decisionSeed === null ? {} : { rng: seededRng(config.decisionSeed) },
  );
  const decide = options.decide ?? createNbaDecisionMaker(nbaEngine);
  insightsRoutes(app, { db, decide, phoneRegion: config.phoneRegion });
  outcomeRoutes(app, db);
  contactRoutes(app, db);
  sessionRoutes(app, db);
  importRoutes(app, { db, config });
  tokenRoutes(app, { db, principals });
  auditRoutes(app, db);
  scoringRoutes(app, db, config);
  kpiRoutes(app, db);
  supervisorRoutes(app, db);
  teamRoutes(app, db);
  nbaRoutes(app, db);
  routingRoutes(app, { db, engine: nbaEngine, phoneRegion: config.phoneRegion });
  detectionHealthRoutes(app, db);
  const hub = options.agentEvents ?? new AgentEventHub();
  // Open streams never end by themselves; closing the server ends them (clients reconnect).
  app.addHook('preClose', async () => hub.closeAll());
  const callDeps = {
    db,
    phoneRegion: config.phoneRegion,
    hub,
    heartbeatMs: options.eventHeartbeatMs ?? 15_000,
  };
  callRoutes(app, callDeps);
  webhookRoutes(app, { calls: callDeps, config, db });
  if (config.demoCrm) demoRoutes(app, db, callDeps);

  await app.ready();
  return app;
}
