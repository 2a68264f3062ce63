import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { from as copyFrom, type CopyStreamQuery } from 'pg-copy-streams';
import type { Queryable } from '../db/db.ts';

/**
 * A `COPY ... FROM STDIN` inside an open PostgreSQL transaction, fed with text-format lines.
 *
 * The `Queryable` of a PostgreSQL transaction hands its SQL straight to the pg client's
 * `query`, which also accepts a "submittable" such as pg-copy-streams' CopyStreamQuery: that is
 * how the COPY runs on the transaction's own connection without widening the `Db` interface.
 * `open` returns null when the query layer did not submit it (another driver), so callers can
 * fall back to plain INSERTs.
 */
export class CopyIn {
  private failure: Error | null = null;

  private constructor(private readonly copy: CopyStreamQuery) {
    copy.on('error', (error: Error) => {
      this.failure ??= error;
    });
  }

  static async open(tx: Queryable, sql: string): Promise<CopyIn | null> {
    const copy = copyFrom(sql);
    await tx.query(copy as unknown as string);
    // pg-copy-streams sets `connection` in `submit`, which the pg client calls when it is idle,
    // as it is here: every earlier statement of the transaction was awaited.
    if (!(copy as unknown as { connection?: unknown }).connection) return null;
    return new CopyIn(copy);
  }

  /** Writes already-encoded lines, waiting when the socket is full. */
  async write(lines: string): Promise<void> {
    if (this.failure) throw this.failure;
    if (!this.copy.write(lines)) {
      await Promise.race([once(this.copy, 'drain'), finished(this.copy)]);
    }
  }

  /** Ends the COPY; resolves once PostgreSQL has accepted every row. */
  async end(): Promise<void> {
    if (this.failure) throw this.failure;
    this.copy.end();
    await finished(this.copy);
    if (this.failure) throw this.failure;
  }
}

const hasSpecialCharacter = /[\\\t\n\r]/;
const specialCharacters = /[\\\t\n\r]/g;
const escapes: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** A value in COPY's text format: null is `\N`, and backslash, tab and line breaks are escaped. */
export function copyField(value: string | number | null): string {
  if (value === null) return '\\N';
  const text = String(value);
  return hasSpecialCharacter.test(text)
    ? text.replace(specialCharacters, (char) => escapes[char]!)
    : text;
}
