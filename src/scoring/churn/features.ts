/** Column typing and encoding for the churn model: every number here is plain, storable JSON. */

export type ColumnKind = 'numeric' | 'categorical';
export type CellValue = string | number | boolean | null | undefined;
export type ChurnRow = Readonly<Record<string, CellValue>>;

const MISSING_TOKENS = new Set(['', 'na', 'n/a', 'null', 'nan', 'none', '?']);
/** Stands for a missing categorical value, which is a category of its own. */
const MISSING_LEVEL = '(missing)';
/** Collects levels seen fewer than `minLevelCount` times, so rare values cannot overfit. */
const OTHER_LEVEL = '(other)';

/** The cell as trimmed text, or null when missing. */
export function cellText(value: CellValue): string | null {
  if (value === null || value === undefined) return null;
  const text = String(value).trim();
  return MISSING_TOKENS.has(text.toLowerCase()) ? null : text;
}

export function cellNumber(value: CellValue): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  const text = cellText(value);
  if (text === null) return null;
  const number = Number(text);
  return Number.isFinite(number) ? number : Number.NaN;
}

interface NumericColumn {
  name: string;
  kind: 'numeric';
  mean: number;
  standardDeviation: number;
  /** Share of training rows where it was missing; > 0 adds a "missing" indicator feature. */
  missingShare: number;
}

export interface CategoricalColumn {
  name: string;
  kind: 'categorical';
  levels: string[];
  /** Training share of each level, the baseline against which contributions are measured. */
  levelShares: number[];
}

export type ColumnEncoding = NumericColumn | CategoricalColumn;

/** Numeric when every present value reads as a finite number, otherwise categorical. */
export function inferColumnTypes(
  rows: readonly ChurnRow[],
  columns: readonly string[],
  overrides: Readonly<Record<string, ColumnKind>> = {},
): Record<string, ColumnKind> {
  const kinds: Record<string, ColumnKind> = {};
  for (const column of columns) {
    const override = overrides[column];
    if (override) {
      kinds[column] = override;
      continue;
    }
    let numeric = true;
    let present = 0;
    for (const row of rows) {
      const number = cellNumber(row[column]);
      if (number === null) continue;
      present += 1;
      if (Number.isNaN(number)) {
        numeric = false;
        break;
      }
    }
    kinds[column] = numeric && present > 0 ? 'numeric' : 'categorical';
  }
  return kinds;
}

export function fitColumnEncodings(
  rows: readonly ChurnRow[],
  kinds: Readonly<Record<string, ColumnKind>>,
  minLevelCount = 5,
): ColumnEncoding[] {
  const n = rows.length;
  return Object.entries(kinds).map(([name, kind]): ColumnEncoding => {
    if (kind === 'numeric') {
      let sum = 0;
      let sumSquares = 0;
      let present = 0;
      rows.forEach((row, index) => {
        const value = cellNumber(row[name]);
        if (value === null) return;
        if (Number.isNaN(value)) {
          throw new Error(
            `row ${index + 1}, column "${name}": "${String(row[name])}" is not a number`,
          );
        }
        sum += value;
        sumSquares += value * value;
        present += 1;
      });
      const mean = present > 0 ? sum / present : 0;
      const variance = present > 1 ? (sumSquares - present * mean * mean) / (present - 1) : 0;
      // A constant column carries no signal; a unit scale keeps it harmless instead of dividing by 0.
      const standardDeviation = variance > 1e-12 ? Math.sqrt(variance) : 1;
      return { name, kind, mean, standardDeviation, missingShare: (n - present) / n };
    }
    const counts = new Map<string, number>();
    for (const row of rows) {
      const level = cellText(row[name]) ?? MISSING_LEVEL;
      counts.set(level, (counts.get(level) ?? 0) + 1);
    }
    const kept = [...counts.entries()].filter(([, count]) => count >= minLevelCount);
    const rare = n - kept.reduce((sum, [, count]) => sum + count, 0);
    if (rare > 0) kept.push([OTHER_LEVEL, rare]);
    kept.sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
    return {
      name,
      kind,
      levels: kept.map(([level]) => level),
      levelShares: kept.map(([, count]) => count / n),
    };
  });
}

/** One encoded feature and the column (and level) it came from. */
export interface FeatureDescriptor {
  column: string;
  role: 'value' | 'missing' | 'level';
  level?: string;
  /** Training mean of the encoded feature: contributions are measured from it. */
  baseline: number;
}

export function describeFeatures(encodings: readonly ColumnEncoding[]): FeatureDescriptor[] {
  const features: FeatureDescriptor[] = [];
  for (const encoding of encodings) {
    if (encoding.kind === 'numeric') {
      features.push({ column: encoding.name, role: 'value', baseline: 0 });
      if (encoding.missingShare > 0) {
        features.push({ column: encoding.name, role: 'missing', baseline: encoding.missingShare });
      }
    } else {
      encoding.levels.forEach((level, index) => {
        features.push({
          column: encoding.name,
          role: 'level',
          level,
          baseline: encoding.levelShares[index] as number,
        });
      });
    }
  }
  return features;
}

/** Which level a categorical cell falls into, or null for a value unseen in training. */
export function levelOf(encoding: CategoricalColumn, value: CellValue): string | null {
  const level = cellText(value) ?? MISSING_LEVEL;
  if (encoding.levels.includes(level)) return level;
  return encoding.levels.includes(OTHER_LEVEL) ? OTHER_LEVEL : null;
}

/** Encodes one row: numbers standardised (missing -> mean), categories one-hot. */
export function encodeRow(
  encodings: readonly ColumnEncoding[],
  row: ChurnRow,
  rowNumber: number,
  out: Float64Array,
): void {
  let k = 0;
  for (const encoding of encodings) {
    if (encoding.kind === 'numeric') {
      const value = cellNumber(row[encoding.name]);
      if (value !== null && Number.isNaN(value)) {
        throw new Error(
          `row ${rowNumber}, column "${encoding.name}": "${String(row[encoding.name])}" is not a number`,
        );
      }
      out[k++] = value === null ? 0 : (value - encoding.mean) / encoding.standardDeviation;
      if (encoding.missingShare > 0) out[k++] = value === null ? 1 : 0;
    } else {
      const level = levelOf(encoding, row[encoding.name]);
      for (const candidate of encoding.levels) out[k++] = candidate === level ? 1 : 0;
    }
  }
}
