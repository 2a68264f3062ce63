import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemSchema } from '../../contract/index.ts';
import type { Db } from '../db/db.ts';
import { principalOf } from '../http/auth.ts';
import {
  idParamsSchema,
  itemBodySchema,
  storedTreatmentSchema,
  treatmentPatchSchema,
} from './api-schemas.ts';
import {
  changeCatalogue,
  loadCatalogue,
  notFound,
  replaceById,
  withPathId,
  type StoredTreatment,
} from './catalogue-store.ts';

async function storedTreatment(db: Db, id: string): Promise<StoredTreatment> {
  const found = (await loadCatalogue(db)).treatments.find((t) => t.id === id);
  if (!found) throw notFound('treatment', id);
  return found;
}

export function treatmentRoutes(app: FastifyInstance, db: Db): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const errors = { 400: problemSchema, 404: problemSchema, 422: problemSchema };

  typed.get(
    '/v1/treatments',
    {
      config: { role: 'supervisor' },
      schema: {
        tags: ['supervisor'],
        summary: 'The treatment catalogue (src/nba format) with version and last change',
        response: { 200: z.array(storedTreatmentSchema) },
      },
    },
    async () => (await loadCatalogue(db)).treatments,
  );

  typed.patch(
    '/v1/treatments/:id',
    {
      config: { role: 'supervisor' },
      schema: {
        tags: ['supervisor'],
        summary: 'Turn a treatment on or off, or change its prior and contact limits (versioned)',
        description:
          'Body: any of active, prior {propensity, evidenceWeight}, cooldownDays, ' +
          'maxContactsPer30Days. 422 names the treatment and field of a bad value.',
        params: idParamsSchema,
        body: treatmentPatchSchema,
        response: { 200: storedTreatmentSchema, ...errors },
      },
    },
    async (request) => {
      const { id } = request.params;
      const patch = request.body;
      await changeCatalogue(db, principalOf(request).agentName, (current) => {
        const existing = current.treatments.find((t) => t.id === id);
        if (!existing) throw notFound('treatment', id);
        const prior =
          typeof patch.prior === 'object' && patch.prior !== null && !Array.isArray(patch.prior)
            ? { ...existing.prior, ...patch.prior }
            : (patch.prior ?? existing.prior);
        const merged = Object.fromEntries(
          Object.entries({ ...existing, ...patch, prior }).filter(([, v]) => v !== undefined),
        );
        return {
          ruleSet: {
            ...current,
            treatments: replaceById<{ id?: unknown }>(current.treatments, id, merged),
          },
          changes: [{ kind: 'treatment', id, change: 'patch' }],
        };
      });
      return storedTreatment(db, id);
    },
  );

  typed.put(
    '/v1/treatments/:id',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['admin'],
        summary: 'Create or replace a treatment (src/nba format), validated and versioned',
        description:
          'Body: a whole treatment {id, kind, name, script, businessValue, lever, active, ' +
          'cooldownDays, maxContactsPer30Days, prior}. 422 names the treatment and field.',
        params: idParamsSchema,
        body: itemBodySchema,
        response: { 200: storedTreatmentSchema, ...errors },
      },
    },
    async (request) => {
      const { id } = request.params;
      const treatment = withPathId('treatment', id, request.body) as { id: string };
      await changeCatalogue(db, principalOf(request).agentName, (current) => {
        const exists = current.treatments.some((t) => t.id === id);
        return {
          ruleSet: {
            ...current,
            treatments: replaceById<{ id?: unknown }>(current.treatments, id, treatment),
          },
          changes: [{ kind: 'treatment', id, change: exists ? 'update' : 'create' }],
        };
      });
      return storedTreatment(db, id);
    },
  );
}
