export type CsvCell = string | number | boolean | null | undefined;

/**
 * One CSV cell (RFC 4180): quoted when it holds a comma, quote, CR or LF or edge spaces, with
 * quotes doubled. Text starting with = + - @ (and not a number) gets a leading apostrophe, so a
 * spreadsheet does not run it as a formula.
 */
export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  let text =
    typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text) && Number.isNaN(Number(text))) {
    text = `'${text}`;
  }
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: string[], rows: CsvCell[][]): string {
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** Saves text as a file through a temporary object URL (no server round trip). */
export function downloadCsv(fileName: string, csv: string): void {
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}
