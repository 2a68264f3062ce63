import { z } from 'zod';
import { calendarDateSchema } from './timestamps.ts';

/**
 * Detection health: how often each CRM adapter found the customer on a page it claimed, and by
 * which signal, or missed. Counts per CRM, page kind, UTC day and result; no customer, no URL.
 */

export const detectionResults = ['api', 'url', 'page', 'missed'] as const;
export type DetectionResult = (typeof detectionResults)[number];

/** One report carries at most this many rows; the extension keeps no more than this waiting. */
export const maxDetectionReportRows = 500;
/** A row's count; the extension's counters stop here rather than overflow or grow a row. */
export const maxDetectionCount = 100_000;
/** Days a report may reach back; the extension drops older counts instead of sending them. */
export const maxDetectionReportAgeDays = 365;

const dayMs = 86_400_000;
const utcDay = (time: number) => new Date(time).toISOString().slice(0, 10);

/**
 * Adapter ids and page kinds: the page kind's charset and length from the extension's message
 * schema, for the CRM id too (every built-in id and rule id fits it). A name in this charset
 * cannot carry an email address, a URL or a query string.
 */
const identifier = (what: string) =>
  z.string().regex(/^[a-z0-9_-]{1,40}$/, `${what} is 1-40 of a-z, 0-9, _ and -`);
export const detectionCrmSchema = identifier('a CRM id');
export const detectionPageKindSchema = identifier('a page kind');

/** A UTC day no later than tomorrow (clocks drift) and no older than the age limit. */
const detectionDaySchema = calendarDateSchema.refine(
  (day) => {
    const now = Date.now();
    return day <= utcDay(now + dayMs) && day >= utcDay(now - maxDetectionReportAgeDays * dayMs);
  },
  { message: `must be a UTC day from ${maxDetectionReportAgeDays} days ago to tomorrow` },
);

const detectionReportRowSchema = z.strictObject({
  crm: detectionCrmSchema,
  pageKind: detectionPageKindSchema,
  /** The UTC day the visits happened, YYYY-MM-DD. */
  day: detectionDaySchema,
  result: z.enum(detectionResults),
  count: z.number().int().min(1).max(maxDetectionCount),
});
export type DetectionReportRow = z.infer<typeof detectionReportRowSchema>;

export const detectionRowKey = (
  row: Pick<DetectionReportRow, 'crm' | 'pageKind' | 'day' | 'result'>,
) => `${row.day}|${row.crm}|${row.pageKind}|${row.result}`;

/** `POST /v1/detection-health/reports`: one batch of counts; its id makes a retry harmless. */
export const detectionReportSchema = z
  .strictObject({
    batchId: z.uuid(),
    rows: z.array(detectionReportRowSchema).min(1).max(maxDetectionReportRows),
  })
  .superRefine((report, context) => {
    const seen = new Map<string, number>();
    report.rows.forEach((row, index) => {
      const key = detectionRowKey(row);
      const first = seen.get(key);
      if (first === undefined) seen.set(key, index);
      else {
        context.addIssue({
          code: 'custom',
          path: ['rows', index],
          message: `repeats rows.${first} (same crm, pageKind, day and result)`,
        });
      }
    });
  });
export type DetectionReport = z.infer<typeof detectionReportSchema>;

export const detectionReportResponseSchema = z.object({
  batchId: z.string(),
  /** Rows counted by this request; 0 for a batch already counted. */
  counted: z.number().int(),
  /** True when this agent had sent this batch id before and nothing was counted again. */
  duplicate: z.boolean(),
});
export type DetectionReportResponse = z.infer<typeof detectionReportResponseSchema>;

/** `GET /v1/detection-health`: days [from, to), UTC; by default the last 30 days. */
export const detectionHealthQuerySchema = z.object({
  from: calendarDateSchema.optional(),
  to: calendarDateSchema.optional(),
});
export type DetectionHealthQuery = z.infer<typeof detectionHealthQuerySchema>;

const detectionHealthRowSchema = z.object({
  crm: z.string(),
  pageKind: z.string(),
  /** Visits to claimed pages: found by any signal, plus missed. */
  visited: z.number().int(),
  foundByApi: z.number().int(),
  foundByUrl: z.number().int(),
  foundByPage: z.number().int(),
  missed: z.number().int(),
  /** missed / visited, 0..1. */
  missRate: z.number(),
  /** Distinct agents whose extension reported this CRM page kind in the period. */
  agents: z.number().int(),
  /** When a report last counted visits to it (server time, ISO 8601). */
  lastReportedAt: z.string(),
});
export type DetectionHealthRow = z.infer<typeof detectionHealthRowSchema>;

export const detectionHealthReportSchema = z.object({
  from: z.string(),
  to: z.string(),
  /** Worst first: highest miss rate, then most missed visits. */
  rows: z.array(detectionHealthRowSchema),
});
export type DetectionHealthReport = z.infer<typeof detectionHealthReportSchema>;
