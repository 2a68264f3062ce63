/** Collects positional parameters while a query is assembled. */
export class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
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
