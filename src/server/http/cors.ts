import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';
import { extensionOrigin } from '../config.ts';

/** The extension, and the origins the configuration adds, may call the API from a browser. */
export async function registerCors(app: FastifyInstance, corsOrigins: string[]): Promise<void> {
  const allowedOrigins = new Set([extensionOrigin, ...corsOrigins]);
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
}
