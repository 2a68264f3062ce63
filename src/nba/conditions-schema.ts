import { z } from 'zod';
import { churnBands, segmentNames, valueTiers } from '../contract/insights.ts';

/**
 * Conditions are data, stored as JSON with the rules that use them. Every range is inclusive;
 * give `min`, `max` or both. A condition on a fact the customer does not have (no churn score,
 * say) does not match. `label` overrides the phrase used in the reason text.
 */

const label = z.string().trim().min(1).max(80).optional();

type Range = { min?: number | undefined; max?: number | undefined };

function checkRange(value: Range, ctx: z.core.$RefinementCtx<Range>): void {
  if (value.min === undefined && value.max === undefined) {
    ctx.addIssue({ code: 'custom', message: 'give min, max or both', path: ['min'] });
  } else if (value.min !== undefined && value.max !== undefined && value.min > value.max) {
    ctx.addIssue({
      code: 'custom',
      message: `impossible range: min ${value.min} is greater than max ${value.max}`,
      path: ['min'],
    });
  }
}

const probability = z
  .number()
  .min(0, 'must be a probability in 0..1')
  .max(1, 'must be a probability in 0..1');
const nonNegative = z.number().min(0, 'must be 0 or more');
const days = z
  .int('must be a whole number of days')
  .min(1, 'must be at least 1 day')
  .max(3650, 'must be at most 3650 days');
const count = z.int('must be a whole number').min(0, 'must be 0 or more');
const csat = z.number().min(1, 'CSAT is 1..5').max(5, 'CSAT is 1..5');
const reasonList = z.array(z.string().trim().min(1).max(80)).min(1, 'list at least one reason');

const segmentConditionSchema = z.strictObject({
  field: z.literal('segment'),
  in: z.array(z.enum(segmentNames)).min(1, 'list at least one segment'),
  label,
});

const valueTierConditionSchema = z.strictObject({
  field: z.literal('valueTier'),
  in: z.array(z.enum(valueTiers)).min(1, 'list at least one value tier'),
  label,
});

const churnBandConditionSchema = z.strictObject({
  field: z.literal('churnBand'),
  in: z.array(z.enum(churnBands)).min(1, 'list at least one churn band'),
  label,
});

const churnProbabilityConditionSchema = z
  .strictObject({
    field: z.literal('churnProbability'),
    min: probability.optional(),
    max: probability.optional(),
    label,
  })
  .superRefine(checkRange);

const pAliveConditionSchema = z
  .strictObject({
    field: z.literal('pAlive'),
    min: probability.optional(),
    max: probability.optional(),
    label,
  })
  .superRefine(checkRange);

const clvConditionSchema = z
  .strictObject({
    field: z.literal('clv'),
    min: z.number().optional(),
    max: z.number().optional(),
    label,
  })
  .superRefine(checkRange);

const tenureDaysConditionSchema = z
  .strictObject({
    field: z.literal('tenureDays'),
    min: nonNegative.optional(),
    max: nonNegative.optional(),
    label,
  })
  .superRefine(checkRange);

/** Contacts in the last `withinDays` (optionally only these reasons), counted against a range. */
const recentContactsConditionSchema = z
  .strictObject({
    field: z.literal('recentContacts'),
    withinDays: days,
    reasons: reasonList.optional(),
    minCount: count.optional(),
    maxCount: count.optional(),
    label,
  })
  .superRefine((value, ctx) => {
    if (value.minCount === undefined && value.maxCount === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: 'give minCount, maxCount or both',
        path: ['minCount'],
      });
    } else if (
      value.minCount !== undefined &&
      value.maxCount !== undefined &&
      value.minCount > value.maxCount
    ) {
      ctx.addIssue({
        code: 'custom',
        message: `impossible range: minCount ${value.minCount} is greater than maxCount ${value.maxCount}`,
        path: ['minCount'],
      });
    }
  });

/** CSAT of surveyed contacts in the window: their average or their lowest score, in a range. */
const recentCsatConditionSchema = z
  .strictObject({
    field: z.literal('recentCsat'),
    withinDays: days,
    stat: z.enum(['avg', 'min']),
    min: csat.optional(),
    max: csat.optional(),
    label,
  })
  .superRefine(checkRange);

const attributeName = z.string().trim().min(1, 'name the attribute').max(80);
const scalar = z.union([z.string(), z.number(), z.boolean()]);

/** A customer attribute: exactly one of `equals`, `in`, `notIn`, or a numeric `min`/`max`. */
const attributeConditionSchema = z
  .strictObject({
    field: z.literal('attribute'),
    name: attributeName,
    equals: scalar.optional(),
    in: z.array(scalar).min(1, 'list at least one value').optional(),
    notIn: z.array(scalar).min(1, 'list at least one value').optional(),
    min: z.number().optional(),
    max: z.number().optional(),
    label,
  })
  .superRefine((value, ctx) => {
    const hasRange = value.min !== undefined || value.max !== undefined;
    const kinds = [
      value.equals !== undefined,
      value.in !== undefined,
      value.notIn !== undefined,
      hasRange,
    ];
    if (kinds.filter(Boolean).length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: 'give exactly one test: equals, in, notIn, or min/max',
        path: ['equals'],
      });
    } else if (hasRange) {
      checkRange(value, ctx);
    }
  });

export const conditionSchema = z.discriminatedUnion('field', [
  segmentConditionSchema,
  valueTierConditionSchema,
  churnBandConditionSchema,
  churnProbabilityConditionSchema,
  pAliveConditionSchema,
  clvConditionSchema,
  tenureDaysConditionSchema,
  recentContactsConditionSchema,
  recentCsatConditionSchema,
  attributeConditionSchema,
]);
export type Condition = z.infer<typeof conditionSchema>;
