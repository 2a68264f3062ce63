import { z } from 'zod';

/** The years PostgreSQL's timestamptz and date can hold without a BC suffix. */
const firstYear = 1;
const lastYear = 9999;
/** Real zones run from -12:00 to +14:00; PostgreSQL refuses offsets past ±15:59. */
const maxOffsetMinutes = 14 * 60;

function inStorableRange(value: string): boolean {
  const time = Date.parse(value);
  if (!Number.isFinite(time)) return false;
  const year = new Date(time).getUTCFullYear();
  if (year < firstYear || year > lastYear) return false;
  const offset = /([+-])(\d{2}):?(\d{2})$/.exec(value);
  if (offset && Number(offset[2]) * 60 + Number(offset[3]) > maxOffsetMinutes) return false;
  return true;
}

const rangeMessage = `must fall in the years ${firstYear}-${lastYear} with a UTC offset of at most 14 hours`;

/** An instant, ISO 8601 with a UTC offset (`Z` or `+02:00`), that the database can store. */
export const timestampSchema = z.iso
  .datetime({ offset: true })
  .refine(inStorableRange, { message: rangeMessage });

/** A calendar date, `YYYY-MM-DD`, that the database can store. */
export const calendarDateSchema = z.iso.date().refine(inStorableRange, { message: rangeMessage });

/** Either of the two: a date alone means midnight UTC. */
export const timestampOrDateSchema = timestampSchema.or(calendarDateSchema);
