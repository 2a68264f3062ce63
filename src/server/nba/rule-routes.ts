import type { FastifyInstance } from 'fastify';
import type { Db } from '../db/db.ts';
import { rulePatchSchema, storedRuleSchema } from './api-schemas.ts';
import { catalogueRoutes } from './catalogue-routes.ts';

export function ruleRoutes(app: FastifyInstance, db: Db): void {
  catalogueRoutes(app, db, {
    list: 'rules',
    kind: 'rule',
    storedSchema: storedRuleSchema,
    patchSchema: rulePatchSchema,
    patched: (existing, patch) => ({ ...existing, active: patch.active }),
    docs: {
      list: {
        summary: 'Eligibility rules (src/nba format) in stored order, with version and last change',
      },
      patch: { summary: 'Turn an eligibility rule on or off (versioned, audited)' },
      put: {
        summary: 'Create or replace an eligibility rule, validated with the whole rule set',
        description:
          'Body: {id, treatmentId, name, active, conditions, contextWeight?}. Unknown fields, ' +
          'impossible ranges, type errors and unknown treatments get 422 naming the rule and field.',
      },
    },
  });
}
