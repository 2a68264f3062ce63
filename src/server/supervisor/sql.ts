import { HttpProblem } from '../http/problem.ts';

/** Collects positional parameters while a query is assembled. */
export class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

export interface Period {
  from: Date;
  to: Date;
}

/** [from, to), both ISO dates or date-times; a date alone is midnight UTC. */
export function parsePeriod(input: { from: string; to: string }): Period {
  const from = new Date(input.from);
  const to = new Date(input.to);
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) {
    throw new HttpProblem(400, 'Bad period', 'from and to must be ISO 8601 dates.');
  }
  if (to <= from) {
    throw new HttpProblem(
      400,
      'Bad period',
      `to (${input.to}) must be after from (${input.from}).`,
    );
  }
  return { from, to };
}

/**
 * Joins the customer's current segment (cs.segment): the one of their latest score snapshot,
 * kept by trigger in customer_segments (migration 040).
 */
export function segmentJoin(customerIdColumn: string): string {
  return `LEFT JOIN customer_segments cs ON cs.customer_id = ${customerIdColumn}`;
}

/**
 * The same segment as a lookup per row (an index-only probe): cheaper than the hash join the
 * planner picks for tens of thousands of rows, which reads every customer's segment.
 */
export function segmentOf(customerIdColumn: string): string {
  return `(SELECT cs.segment FROM customer_segments cs WHERE cs.customer_id = ${customerIdColumn})`;
}

/** Monday of the UTC week, as YYYY-MM-DD. */
export function weekOf(timeColumn: string): string {
  return `to_char(date_trunc('week', ${timeColumn} AT TIME ZONE 'UTC'), 'YYYY-MM-DD')`;
}

/** Turns user text into an ILIKE pattern matching it literally anywhere. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export const iso = (value: Date | string | null): string | null =>
  value === null ? null : new Date(value).toISOString();
