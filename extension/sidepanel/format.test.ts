import { describe, expect, test } from 'vitest';
import { clock, tenure, wholeMonths } from './format.ts';

const day = (iso: string) => new Date(`${iso}T00:00:00Z`);

describe('tenure in calendar years and months', () => {
  test('short tenures in days', () => {
    expect(tenure(1, '2025-01-01')).toBe('1 day');
    expect(tenure(20, '2025-01-01')).toBe('20 days');
    expect(tenure(59, '2025-01-01')).toBe('59 days');
  });

  test('725 days from 2024-01-01 is 1 year 11 months, and a full year is never "12 months"', () => {
    expect(tenure(725, '2024-01-01')).toBe('1 year 11 months');
    expect(tenure(730, '2024-01-01')).toBe('1 year 11 months');
    expect(tenure(731, '2024-01-01')).toBe('2 years');
    expect(tenure(800, '2023-01-01')).toBe('2 years 2 months');
    for (const since of ['2023-01-31', '2023-03-01', '2024-02-29', '2024-12-31']) {
      for (let days = 60; days <= 1500; days += 1) {
        const text = tenure(days, since);
        expect(text).not.toMatch(/\b1[2-9] months|\b0 /);
        expect(text).toMatch(/^(\d+ years?)?( ?\d+ months?)?$/);
      }
    }
  });

  test('month ends: a month is complete on the last day of a shorter month', () => {
    expect(wholeMonths(day('2024-01-31'), day('2024-02-29'))).toBe(1);
    expect(wholeMonths(day('2023-01-31'), day('2023-02-27'))).toBe(0);
    expect(wholeMonths(day('2023-01-31'), day('2023-02-28'))).toBe(1);
    expect(wholeMonths(day('2024-03-31'), day('2024-04-30'))).toBe(1);
    expect(wholeMonths(day('2024-03-31'), day('2024-04-29'))).toBe(0);
    // Dec 31 + 60 days is Feb 29 of a leap year: two whole months.
    expect(tenure(60, '2023-12-31')).toBe('2 months');
    // Jan 31, 2023 to Feb 28, 2024 is a year and not yet the 29th; to Feb 29 a year and a month.
    expect(tenure(393, '2023-01-31')).toBe('1 year');
    expect(tenure(394, '2023-01-31')).toBe('1 year 1 month');
  });

  test('leap years: 365 days is not always a year', () => {
    // 2023-03-01 + 365 days is 2024-02-29, a day short of the anniversary.
    expect(tenure(365, '2023-03-01')).toBe('11 months');
    expect(tenure(366, '2023-03-01')).toBe('1 year');
    expect(tenure(365, '2022-03-01')).toBe('1 year');
    // Born on Feb 29: the anniversary in a common year is Feb 28.
    expect(tenure(364, '2024-02-29')).toBe('11 months');
    expect(tenure(365, '2024-02-29')).toBe('1 year');
    expect(tenure(1461, '2024-02-29')).toBe('4 years');
  });

  test('without a start date, counted back from today', () => {
    expect(tenure(725, null, new Date('2025-12-26T18:30:00Z'))).toBe('1 year 11 months');
    expect(tenure(725, 'not a date', new Date('2025-12-26T18:30:00Z'))).toBe('1 year 11 months');
  });
});

describe('clock', () => {
  test('hours and minutes of the time recorded, in the CSR’s own locale', () => {
    const at = new Date(2026, 11, 3, 10, 42, 17);
    expect(clock(at.toISOString())).toBe(
      at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }),
    );
    expect(clock(at.toISOString())).toMatch(/10.42/);
    expect(clock(at.toISOString())).not.toContain('17');
  });

  test('shows what it cannot read as it came', () => {
    expect(clock('not a time')).toBe('not a time');
  });
});
