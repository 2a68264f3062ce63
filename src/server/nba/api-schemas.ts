import { z } from 'zod';
import { storedMetaShape } from '../../contract/treatment.ts';
import { eligibilityRuleSchema, routingConfigSchema } from '../../nba/index.ts';

export { storedTreatmentSchema } from '../../contract/treatment.ts';

export const storedRuleSchema = eligibilityRuleSchema.extend(storedMetaShape);
export const storedRoutingSchema = routingConfigSchema.extend({
  ...storedMetaShape,
  /** Content hash of the config (recorded on decisions as model_versions.routing). */
  configVersion: z.string(),
});

/** Values are checked by validateTreatment after merging, so a 422 names treatment and field. */
export const treatmentPatchSchema = z.strictObject({
  active: z.unknown().optional(),
  prior: z.unknown().optional(),
  cooldownDays: z.unknown().optional(),
  maxContactsPer30Days: z.unknown().optional(),
});

export const rulePatchSchema = z.strictObject({ active: z.boolean() });

export const idParamsSchema = z.object({ id: z.string().min(1).max(100) });

/** Free-form JSON object: validated by src/nba so 422s name the item and field. */
export const itemBodySchema = z.record(z.string(), z.unknown());

export const settingsSchema = z.strictObject({
  controlShare: z
    .number()
    .min(0, 'controlShare is a share in 0..1')
    .max(1, 'controlShare is a share in 0..1'),
});
export const storedSettingsSchema = settingsSchema.extend(storedMetaShape);
