import type { FastifyInstance } from 'fastify';
import type { RouteRole } from './auth.ts';

interface RouteEntry {
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

/** Records every route registered from here on in `app.routeTable`. */
export function registerRouteTable(app: FastifyInstance): void {
  const routeTable: RouteEntry[] = [];
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      routeTable.push({ method, url: route.url, role: route.config?.role });
    }
  });
}
