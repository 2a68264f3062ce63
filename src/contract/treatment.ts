import { z } from 'zod';
import { treatmentKinds } from './insights.ts';

/** Ids are slugs so they read well in logs, URLs and decision rows. */
export const idSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,99}$/, 'use 1-100 lowercase letters, digits, ".", "_" or "-"');

const treatmentPriorSchema = z.strictObject({
  /** Starting acceptance rate the admin expects, strictly between 0 and 1. */
  propensity: z
    .number()
    .gt(0, 'a prior propensity must be above 0')
    .lt(1, 'a prior propensity must be below 1'),
  /** How many outcomes the prior is worth (alpha0 + beta0). */
  evidenceWeight: z.number().gt(0, 'evidence weight must be above 0').max(100_000),
});

export const treatmentSchema = z.strictObject({
  id: idSchema,
  kind: z.enum(treatmentKinds),
  name: z.string().trim().min(1, 'name the treatment').max(120),
  /** What the CSR reads aloud; plain text. */
  script: z.string().trim().min(1, 'write a script the CSR can read').max(2000),
  /** Value to the business of an accepted offer, in the reporting currency. */
  businessValue: z.number().min(0, 'business value must be 0 or more'),
  /** Business weighting the admin turns up or down (Pega's lever); 1 is neutral. */
  lever: z.number().min(0, 'lever must be 0 or more').max(100),
  active: z.boolean(),
  /** Days after an offer before the same customer may be offered this treatment again. */
  cooldownDays: z
    .int('must be a whole number of days')
    .min(0, 'must be 0 or more days')
    .max(3650, 'must be at most 3650 days'),
  /** Offers of this treatment to one customer in any 30 days; null means no limit. */
  maxContactsPer30Days: z
    .int('must be a whole number')
    .min(1, 'must be at least 1 (null means no limit)')
    .max(1000, 'must be at most 1000')
    .nullable(),
  prior: treatmentPriorSchema,
});
export type Treatment = z.infer<typeof treatmentSchema>;

/** Who changed a catalogue item last, and its version: what the server stores beside it. */
export const storedMetaShape = {
  version: z.int(),
  updatedAt: z.string(),
  updatedBy: z.string(),
};

/** A treatment as GET /v1/treatments answers and PATCH /v1/treatments/:id returns it. */
export const storedTreatmentSchema = treatmentSchema.extend(storedMetaShape);

/**
 * What the workspace reads of a stored treatment. Derived from the one above, but loose:
 * a workspace older than the server must keep working when a field or kind is added.
 */
export const catalogueTreatmentSchema = storedTreatmentSchema
  .pick({
    id: true,
    name: true,
    active: true,
    prior: true,
    cooldownDays: true,
    maxContactsPer30Days: true,
    version: true,
  })
  .extend({ kind: z.string(), name: z.string() })
  .partial({ cooldownDays: true, maxContactsPer30Days: true, version: true })
  .loose();
export type CatalogueTreatment = z.infer<typeof catalogueTreatmentSchema>;
