import { cellText, type CellValue } from './features.ts';

const POSITIVE = new Set(['yes', 'y', 'true', '1', 'churn', 'churned']);
const NEGATIVE = new Set(['no', 'n', 'false', '0', 'stayed', 'retained', 'active']);

/** 1 for churned, 0 for stayed; a clear error naming row and column for anything else. */
export function parseLabel(
  value: CellValue,
  rowNumber: number,
  column: string,
  positiveLabel?: string,
): 0 | 1 {
  const text = cellText(value);
  if (text === null) throw new Error(`row ${rowNumber}, column "${column}": label is missing`);
  if (positiveLabel !== undefined) return text === positiveLabel ? 1 : 0;
  const lower = text.toLowerCase();
  if (POSITIVE.has(lower)) return 1;
  if (NEGATIVE.has(lower)) return 0;
  throw new Error(
    `row ${rowNumber}, column "${column}": "${text}" is not a yes/no label (or pass positiveLabel)`,
  );
}
