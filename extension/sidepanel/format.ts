export function percent(probability: number): string {
  return `${Math.round(probability * 100)}%`;
}

export function money(amount: number, currency: string): string {
  try {
    return new Intl.NumberFormat('en', {
      style: 'currency',
      currency,
      maximumFractionDigits: 0,
    }).format(amount);
  } catch {
    return `${Math.round(amount)} ${currency}`;
  }
}

const dayMs = 86_400_000;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
}

/**
 * Whole calendar months from `start` to `end` (UTC). A month is complete on the same day of the
 * month, or on the month's last day when it has no such day (Jan 31 to Feb 28 is one month).
 */
export function wholeMonths(start: Date, end: Date): number {
  let months =
    (end.getUTCFullYear() - start.getUTCFullYear()) * 12 + end.getUTCMonth() - start.getUTCMonth();
  const anniversary = Math.min(
    start.getUTCDate(),
    daysInMonth(end.getUTCFullYear(), end.getUTCMonth()),
  );
  if (end.getUTCDate() < anniversary) months -= 1;
  return Math.max(0, months);
}

/**
 * A customer's tenure in words, counted on the calendar from `since` (YYYY-MM-DD; without it,
 * back from today): 725 days from 2024-01-01 → "1 year 11 months"; 20 → "20 days".
 */
export function tenure(days: number, since?: string | null, today = new Date()): string {
  if (days < 60) return `${days} day${days === 1 ? '' : 's'}`;
  const parsed = since ? new Date(`${since.slice(0, 10)}T00:00:00Z`) : null;
  const start =
    parsed && !Number.isNaN(parsed.getTime())
      ? parsed
      : new Date(
          Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()) - days * dayMs,
        );
  const months = wholeMonths(start, new Date(start.getTime() + days * dayMs));
  const years = Math.floor(months / 12);
  const rest = months % 12;
  const parts = [];
  if (years) parts.push(`${years} year${years === 1 ? '' : 's'}`);
  if (rest) parts.push(`${rest} month${rest === 1 ? '' : 's'}`);
  return parts.join(' ');
}

export function when(iso: string | number): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : date.toLocaleString();
}

export function words(code: string): string {
  const text = code.replace(/_/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The time of day, hours and minutes ("10:42"), for what the CSR just did on this call. */
export function clock(iso: string | number): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? String(iso)
    : date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}
