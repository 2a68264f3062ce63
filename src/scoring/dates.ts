const MS_PER_DAY = 86_400_000;
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})/;

/** Days since 1970-01-01 of the UTC calendar day of `value`; throws on anything unreadable. */
export function dayNumber(value: string | Date): number {
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isNaN(ms)) throw new Error('invalid Date');
    return Math.floor(ms / MS_PER_DAY);
  }
  const match = ISO_DAY.exec(value);
  if (!match) throw new Error(`not an ISO 8601 date: "${value}"`);
  const [, year, month, day] = match;
  const ms = Date.UTC(Number(year), Number(month) - 1, Number(day));
  const check = new Date(ms);
  if (check.getUTCDate() !== Number(day) || check.getUTCMonth() !== Number(month) - 1) {
    throw new Error(`not a calendar date: "${value}"`);
  }
  if (value.length > 10) {
    // A date-time: honour its offset by letting Date parse it, then take the UTC day.
    const parsed = Date.parse(value);
    if (Number.isNaN(parsed)) throw new Error(`not an ISO 8601 date-time: "${value}"`);
    return Math.floor(parsed / MS_PER_DAY);
  }
  return Math.floor(ms / MS_PER_DAY);
}

/** YYYY-MM-DD for a day number. */
export function isoDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}
