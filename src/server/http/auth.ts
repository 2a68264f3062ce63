import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  hashToken,
  roleAllows,
  type PrincipalCache,
  type Principal,
  type Role,
} from '../tokens/store.ts';
import type { LoginThrottle } from './login-throttle.ts';
import { HttpProblem } from './problem.ts';

/** Every route states who may call it; 'public' is for health, API docs and the demo CRM. */
export type RouteRole = Role | 'public';

declare module 'fastify' {
  interface FastifyContextConfig {
    role?: RouteRole;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/** Routes registered by plugins we do not configure (Swagger UI) are public by path. */
const publicPathPrefixes = ['/docs'];

export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1]! : null;
}

export function registerAuth(
  app: FastifyInstance,
  principals: PrincipalCache,
  throttle: LoginThrottle,
): void {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request, reply) => {
    const role = request.routeOptions.config?.role;
    const url = request.routeOptions.url;
    if (role === 'public') return;
    if (role === undefined) {
      // 404s have no route; they fall through to the not-found handler.
      if (url === undefined || publicPathPrefixes.some((prefix) => url.startsWith(prefix))) return;
      // Fail closed: a route that forgot to declare its role is nobody's.
      throw new HttpProblem(403, 'Forbidden', 'This route declares no role.');
    }
    const token = bearerToken(request);
    if (!token) {
      throw new HttpProblem(
        401,
        'Unauthorized',
        'Send a bearer token: Authorization: Bearer <token>.',
      );
    }
    const tokenHash = hashToken(token);
    const wait = await throttle.secondsBlocked(request.ip, tokenHash);
    if (wait > 0) {
      reply.header('retry-after', String(wait));
      throw new HttpProblem(
        429,
        'Too Many Requests',
        `Too many refused tokens from this address; retry in ${wait} s.`,
      );
    }
    const principal = await principals.lookup(token);
    if (!principal) {
      await throttle.recordFailure(request.ip);
      throw new HttpProblem(401, 'Unauthorized', 'The token is unknown or revoked.');
    }
    throttle.recordSuccess(tokenHash);
    if (!roleAllows(principal.role, role)) {
      throw new HttpProblem(
        403,
        'Forbidden',
        `This needs the ${role} role; the token has ${principal.role}.`,
      );
    }
    request.principal = principal;
  });
}

/** The principal of an authenticated route; throws if called on a public route by mistake. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error('principalOf called on a route without a role');
  return request.principal;
}
