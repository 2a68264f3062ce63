export function percent(value: number | null | undefined, digits = 1): string {
  return value === null || value === undefined ? '–' : `${(value * 100).toFixed(digits)}%`;
}

export function interval(ci: [number, number] | null | undefined): string {
  return ci ? `${percent(ci[0])} – ${percent(ci[1])}` : '';
}

export function points(value: number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  const p = value * 100;
  return `${p >= 0 ? '+' : ''}${p.toFixed(1)} pts`;
}

export function dateTime(iso: string | null): string {
  return iso ? new Date(iso).toLocaleString() : '';
}
