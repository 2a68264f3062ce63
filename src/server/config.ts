import path from 'node:path';

/** Settings read from the environment, in one place so every entry point agrees. */
export interface ServerConfig {
  /** PostgreSQL connection string; when absent the embedded PGlite database is used. */
  databaseUrl: string | undefined;
  /** Folder of the embedded database and of files the CLI keeps beside it. */
  dataDir: string;
  /** Region used to turn national phone numbers into E.164, ISO 3166 alpha-2. */
  phoneRegion: string;
  defaultCurrency: string;
  /** Extra CORS origins besides the extension's own. */
  corsOrigins: string[];
  rateLimitPerMinute: number;
  /** Refused tokens one client address may send per 15 minutes before it is throttled. */
  authFailuresPer15Minutes: number;
  /**
   * Proxies whose X-Forwarded-For is believed (addresses or CIDR ranges), so throttling sees
   * the client behind a load balancer; empty means the socket's address is the client.
   */
  trustedProxies: string[];
  /**
   * Serve the demo CRM at /demo (no auth, shows customer data). On by default with the embedded
   * database (a local trial), off by default on PostgreSQL (production); LOOPDESK_DEMO_CRM=1|0 decides.
   */
  demoCrm: boolean;
  /** Connections in the PostgreSQL pool (LOOPDESK_PG_POOL_SIZE, default 10). */
  pgPoolSize: number;
  /**
   * Seed of the next-best-action engine's draws (control-group split, Thompson sampling):
   * LOOPDESK_DECISION_SEED makes a run's decisions repeatable, for tests and for replaying an
   * incident; absent, each start draws a fresh seed.
   */
  decisionSeed: number | null;
  /**
   * The address telephony platforms post webhooks to (LOOPDESK_PUBLIC_URL, http(s), no query):
   * Twilio signs the full URL it called, which a proxy in front of LoopDesk hides. Null: the
   * request's own protocol and Host.
   */
  publicUrl: string | null;
  /** Twilio account auth token (LOOPDESK_TWILIO_AUTH_TOKEN): null leaves the Twilio webhook off. */
  twilioAuthToken: string | null;
  /** The token Aircall returned for the webhook (LOOPDESK_AIRCALL_WEBHOOK_TOKEN). */
  aircallWebhookToken: string | null;
  /** The secret given to Dialpad when creating the webhook (LOOPDESK_DIALPAD_WEBHOOK_SECRET). */
  dialpadWebhookSecret: string | null;
  /** The API key of the EventBridge connection to LoopDesk (LOOPDESK_CONNECT_API_KEY). */
  connectApiKey: string | null;
  /** The Intercom app's client secret, which signs its webhooks (LOOPDESK_INTERCOM_CLIENT_SECRET). */
  intercomClientSecret: string | null;
  /** The secret of a Chatwoot account webhook (LOOPDESK_CHATWOOT_WEBHOOK_SECRET). */
  chatwootWebhookSecret: string | null;
}

export const defaultPgPoolSize = 10;

export const extensionOrigin = 'chrome-extension://kcnllmemnaglhjkdheagojnldmcafcmh';

/** Shorter secrets than this can be guessed by someone posting made-up calls. */
const minWebhookSecretLength = 16;

function secretFrom(env: NodeJS.ProcessEnv, name: string, minLength = 1): string | null {
  const value = env[name]?.trim();
  if (!value) return null;
  if (value.length < minLength) {
    throw new Error(`${name} must be at least ${minLength} characters, got ${value.length}`);
  }
  return value;
}

function publicUrlFrom(env: NodeJS.ProcessEnv): string | null {
  const value = env.LOOPDESK_PUBLIC_URL?.trim();
  if (!value) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`LOOPDESK_PUBLIC_URL must be an http(s) URL, got "${value}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(`LOOPDESK_PUBLIC_URL must be an http(s) URL, got "${value}"`);
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new Error(
      `LOOPDESK_PUBLIC_URL must be the server's base address without query, fragment or user, got "${value}"`,
    );
  }
  return url.toString().replace(/\/+$/, '');
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const rateLimit = Number(env.LOOPDESK_RATE_LIMIT ?? 20_000);
  if (!Number.isFinite(rateLimit) || rateLimit <= 0) {
    throw new Error(
      `LOOPDESK_RATE_LIMIT must be a positive number, got "${env.LOOPDESK_RATE_LIMIT}"`,
    );
  }
  const authFailures = Number(env.LOOPDESK_AUTH_FAILURE_LIMIT ?? 100);
  if (!Number.isInteger(authFailures) || authFailures < 1) {
    throw new Error(
      `LOOPDESK_AUTH_FAILURE_LIMIT must be a whole number of refused tokens, at least 1, got "${env.LOOPDESK_AUTH_FAILURE_LIMIT}"`,
    );
  }
  const poolSize = Number(env.LOOPDESK_PG_POOL_SIZE ?? defaultPgPoolSize);
  if (!Number.isInteger(poolSize) || poolSize < 1) {
    throw new Error(
      `LOOPDESK_PG_POOL_SIZE must be a whole number of connections, at least 1, got "${env.LOOPDESK_PG_POOL_SIZE}"`,
    );
  }
  const decisionSeed = env.LOOPDESK_DECISION_SEED ? Number(env.LOOPDESK_DECISION_SEED) : null;
  if (
    decisionSeed !== null &&
    !(Number.isInteger(decisionSeed) && decisionSeed >= 1 && decisionSeed < 2 ** 32)
  ) {
    throw new Error(
      `LOOPDESK_DECISION_SEED must be a whole number from 1 to 4294967295, got "${env.LOOPDESK_DECISION_SEED}"`,
    );
  }
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: path.resolve(env.LOOPDESK_DATA_DIR || './.loopdesk'),
    phoneRegion: (env.LOOPDESK_PHONE_REGION || 'US').toUpperCase(),
    defaultCurrency: (env.LOOPDESK_CURRENCY || 'USD').toUpperCase(),
    corsOrigins: (env.LOOPDESK_CORS_ORIGINS ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
    rateLimitPerMinute: rateLimit,
    authFailuresPer15Minutes: authFailures,
    trustedProxies: (env.LOOPDESK_TRUSTED_PROXIES ?? '')
      .split(',')
      .map((address) => address.trim())
      .filter(Boolean),
    demoCrm: env.LOOPDESK_DEMO_CRM
      ? ['1', 'true', 'yes', 'on'].includes(env.LOOPDESK_DEMO_CRM.toLowerCase())
      : !env.DATABASE_URL,
    pgPoolSize: poolSize,
    decisionSeed,
    publicUrl: publicUrlFrom(env),
    twilioAuthToken: secretFrom(env, 'LOOPDESK_TWILIO_AUTH_TOKEN'),
    aircallWebhookToken: secretFrom(env, 'LOOPDESK_AIRCALL_WEBHOOK_TOKEN'),
    dialpadWebhookSecret: secretFrom(
      env,
      'LOOPDESK_DIALPAD_WEBHOOK_SECRET',
      minWebhookSecretLength,
    ),
    connectApiKey: secretFrom(env, 'LOOPDESK_CONNECT_API_KEY', minWebhookSecretLength),
    intercomClientSecret: secretFrom(env, 'LOOPDESK_INTERCOM_CLIENT_SECRET'),
    chatwootWebhookSecret: secretFrom(env, 'LOOPDESK_CHATWOOT_WEBHOOK_SECRET'),
  };
}
