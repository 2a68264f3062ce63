import { z } from 'zod';
import { candidateSchema } from './insights.ts';

/** RFC 9457 problem details; every API error has this shape (no stack traces). */
export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  /** Validation problems: where and what. For files, `line` and `column` name the cell. */
  errors: z
    .array(
      z.object({
        path: z.string().optional(),
        line: z.number().int().optional(),
        column: z.string().optional(),
        message: z.string(),
      }),
    )
    .optional(),
  errorCount: z.number().int().optional(),
  /** 409 on insights: several customers match what the page showed. */
  candidates: z.array(candidateSchema).optional(),
});
export type Problem = z.infer<typeof problemSchema>;
