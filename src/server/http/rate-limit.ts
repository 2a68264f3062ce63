import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { hashToken } from '../tokens/store.ts';
import { bearerToken } from './auth.ts';
import { HttpProblem } from './problem.ts';

/** At most `perMinute` requests a minute per token (per client address without one). */
export async function registerRateLimit(app: FastifyInstance, perMinute: number): Promise<void> {
  await app.register(rateLimit, {
    max: perMinute,
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
}
