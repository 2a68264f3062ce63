import { describe, expect, it } from 'vitest';
import { calendarDateSchema, timestampOrDateSchema, timestampSchema } from './timestamps.ts';

describe('timestamps the database can store', () => {
  it('accepts instants with an offset and dates in years 1-9999', () => {
    for (const value of [
      '2026-12-02T10:00:00Z',
      '2026-12-02T10:00:00.123+05:30',
      '0001-01-01T00:00:00Z',
      '9999-12-31T23:59:59Z',
      '2026-06-01T00:00:00-12:00',
    ]) {
      expect(timestampSchema.safeParse(value).success, value).toBe(true);
    }
    expect(calendarDateSchema.safeParse('0001-01-01').success).toBe(true);
    expect(timestampOrDateSchema.safeParse('2026-02-28').success).toBe(true);
  });

  it('refuses year 0, year 10000 and offsets past 14 hours, which PostgreSQL would refuse with a 500', () => {
    for (const value of [
      '0000-01-01T00:00:00Z',
      '9999-12-31T23:59:59-01:00',
      '2026-06-01T00:00:00+23:59',
      '2026-06-01T00:00:00-15:00',
    ]) {
      const result = timestampSchema.safeParse(value);
      expect(result.success, value).toBe(false);
      expect(result.error?.issues[0]?.message).toMatch(/years 1-9999/);
    }
    expect(calendarDateSchema.safeParse('0000-01-01').success).toBe(false);
    expect(timestampOrDateSchema.safeParse('0000-12-31').success).toBe(false);
  });
});
