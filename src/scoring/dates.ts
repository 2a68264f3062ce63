/** The one place dates are read from text: CSV cells, stored days and date-times. */
const MS_PER_DAY = 86_400_000;
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})/;
const ISO_TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** That UTC instant, or null when JavaScript would roll it over (2024-02-31). */
function utcDate(year: number, month: number, day: number, hour = 0, minute = 0, second = 0) {
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  return date.getUTCDate() === day && date.getUTCMonth() === month - 1 ? date : null;
}

/** Days since 1970-01-01 of the UTC calendar day of `value`; throws on anything unreadable. */
export function dayNumber(value: string | Date): number {
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isNaN(ms)) throw new Error('invalid Date');
    return Math.floor(ms / MS_PER_DAY);
  }
  const match = ISO_DAY.exec(value);
  if (!match) throw new Error(`not an ISO 8601 date: "${value}"`);
  const date = utcDate(Number(match[1]), Number(match[2]), Number(match[3]));
  if (date === null) throw new Error(`not a calendar date: "${value}"`);
  if (value.length > 10) {
    // A date-time: honour its offset by letting Date parse it, then take the UTC day.
    const parsed = Date.parse(value);
    if (Number.isNaN(parsed)) throw new Error(`not an ISO 8601 date-time: "${value}"`);
    return Math.floor(parsed / MS_PER_DAY);
  }
  return Math.floor(date.getTime() / MS_PER_DAY);
}

/** YYYY-MM-DD for a day number. */
export function isoDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/**
 * ISO 8601 date or date-time (a CSV cell); a time with no offset is read as UTC so imports never
 * depend on the server's zone. Null when it is not one.
 */
export function parseTimestamp(value: string): Date | null {
  const text = value.trim();
  const match = ISO_TIMESTAMP.exec(text);
  if (!match) return null;
  // The common shape (no offset, no fraction, fields in range) without building a string for
  // Date to parse again: on large files this is most of the per-row cost of a transaction.
  if (!match[7] && !text.includes('.')) {
    const year = Number(match[1]);
    const month = Number(match[2]);
    const day = Number(match[3]);
    const hour = match[4] === undefined ? 0 : Number(match[4]);
    const minute = match[5] === undefined ? 0 : Number(match[5]);
    const second = match[6] === undefined ? 0 : Number(match[6]);
    if (
      year >= 1000 &&
      month >= 1 &&
      month <= 12 &&
      day >= 1 &&
      hour <= 23 &&
      minute <= 59 &&
      second <= 59
    ) {
      return utcDate(year, month, day, hour, minute, second);
    }
  }
  const hasTime = match[4] !== undefined;
  let iso = hasTime ? text.replace(' ', 'T') : `${text}T00:00:00`;
  if (!match[7]) iso += 'Z';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return null;
  if (date.getUTCDate() !== Number(match[3]) && !match[7]) return null;
  return date;
}
