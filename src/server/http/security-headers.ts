import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/**
 * Answers carry customer data: browsers must not sniff them into something runnable, frame
 * them, or keep them in a cache. The API serves no documents of its own, so its policy allows
 * nothing; the docs and the demo CRM set their own policies on their routes.
 */
export async function registerSecurityHeaders(app: FastifyInstance): Promise<void> {
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
    },
  });
  app.addHook('onSend', async (request, reply) => {
    if (request.url.startsWith('/v1/')) reply.header('cache-control', 'no-store');
  });
}

/**
 * Swagger UI's own policy (hashes of its inline scripts) minus `upgrade-insecure-requests`,
 * which would send a plain-http local backend's docs to an https address that does not exist,
 * and with inline styles allowed: the Swagger UI bundle sets some at run time.
 */
export function docsContentSecurityPolicy(header: string): string {
  return header
    .replace(/\s*upgrade-insecure-requests;?/, '')
    .replace(/style-src ([^;]*);/, "style-src $1 'unsafe-inline';");
}
