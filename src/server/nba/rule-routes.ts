import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemSchema } from '../../contract/index.ts';
import type { Db } from '../db/db.ts';
import { principalOf } from '../http/auth.ts';
import {
  idParamsSchema,
  itemBodySchema,
  rulePatchSchema,
  storedRuleSchema,
} from './api-schemas.ts';
import {
  changeCatalogue,
  loadCatalogue,
  notFound,
  replaceById,
  withPathId,
  type StoredRule,
} from './catalogue-store.ts';

async function storedRule(db: Db, id: string): Promise<StoredRule> {
  const found = (await loadCatalogue(db)).rules.find((r) => r.id === id);
  if (!found) throw notFound('rule', id);
  return found;
}

export function ruleRoutes(app: FastifyInstance, db: Db): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const errors = { 400: problemSchema, 404: problemSchema, 422: problemSchema };

  typed.get(
    '/v1/rules',
    {
      config: { role: 'supervisor' },
      schema: {
        tags: ['supervisor'],
        summary: 'Eligibility rules (src/nba format) in stored order, with version and last change',
        response: { 200: z.array(storedRuleSchema) },
      },
    },
    async () => (await loadCatalogue(db)).rules,
  );

  typed.patch(
    '/v1/rules/:id',
    {
      config: { role: 'supervisor' },
      schema: {
        tags: ['supervisor'],
        summary: 'Turn an eligibility rule on or off (versioned, audited)',
        params: idParamsSchema,
        body: rulePatchSchema,
        response: { 200: storedRuleSchema, ...errors },
      },
    },
    async (request) => {
      const { id } = request.params;
      await changeCatalogue(db, principalOf(request).agentName, (current) => {
        const existing = current.rules.find((r) => r.id === id);
        if (!existing) throw notFound('rule', id);
        const changed = { ...existing, active: request.body.active };
        return {
          ruleSet: { ...current, rules: replaceById(current.rules, id, changed) },
          changes: [{ kind: 'rule', id, change: 'patch' }],
        };
      });
      return storedRule(db, id);
    },
  );

  typed.put(
    '/v1/rules/:id',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['admin'],
        summary: 'Create or replace an eligibility rule, validated with the whole rule set',
        description:
          'Body: {id, treatmentId, name, active, conditions, contextWeight?}. Unknown fields, ' +
          'impossible ranges, type errors and unknown treatments get 422 naming the rule and field.',
        params: idParamsSchema,
        body: itemBodySchema,
        response: { 200: storedRuleSchema, ...errors },
      },
    },
    async (request) => {
      const { id } = request.params;
      const rule = withPathId('rule', id, request.body) as { id: string };
      await changeCatalogue(db, principalOf(request).agentName, (current) => {
        const exists = current.rules.some((r) => r.id === id);
        return {
          ruleSet: { ...current, rules: replaceById<{ id?: unknown }>(current.rules, id, rule) },
          changes: [{ kind: 'rule', id, change: exists ? 'update' : 'create' }],
        };
      });
      return storedRule(db, id);
    },
  );
}
