import type { FastifyInstance } from 'fastify';
import type { Db } from '../db/db.ts';
import { storedTreatmentSchema, treatmentPatchSchema } from './api-schemas.ts';
import { catalogueRoutes } from './catalogue-routes.ts';

export function treatmentRoutes(app: FastifyInstance, db: Db): void {
  catalogueRoutes(app, db, {
    list: 'treatments',
    kind: 'treatment',
    storedSchema: storedTreatmentSchema,
    patchSchema: treatmentPatchSchema,
    patched: (existing, patch) => {
      // A partial prior keeps the other half of the stored one.
      const prior =
        typeof patch.prior === 'object' && patch.prior !== null && !Array.isArray(patch.prior)
          ? { ...existing.prior, ...patch.prior }
          : (patch.prior ?? existing.prior);
      return Object.fromEntries(
        Object.entries({ ...existing, ...patch, prior }).filter(([, v]) => v !== undefined),
      );
    },
    docs: {
      list: { summary: 'The treatment catalogue (src/nba format) with version and last change' },
      patch: {
        summary: 'Turn a treatment on or off, or change its prior and contact limits (versioned)',
        description:
          'Body: any of active, prior {propensity, evidenceWeight}, cooldownDays, ' +
          'maxContactsPer30Days. 422 names the treatment and field of a bad value.',
      },
      put: {
        summary: 'Create or replace a treatment (src/nba format), validated and versioned',
        description:
          'Body: a whole treatment {id, kind, name, script, businessValue, lever, active, ' +
          'cooldownDays, maxContactsPer30Days, prior}. 422 names the treatment and field.',
      },
    },
  });
}
