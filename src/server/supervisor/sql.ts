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
