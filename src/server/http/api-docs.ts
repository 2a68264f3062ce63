import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { docsContentSecurityPolicy } from './security-headers.ts';

/** The OpenAPI document built from the routes' schemas, and Swagger UI at /docs. */
export async function registerApiDocs(app: FastifyInstance, apiVersion: string): Promise<void> {
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
}
