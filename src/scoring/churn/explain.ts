/**
 * Turns the features that push a customer's churn risk up into words a CSR understands. Known
 * columns (the Telco schema and similar CRM exports) get phrases; anything else falls back to
 * "<column>: <value>". Column names are matched without case, spaces, dashes or underscores.
 */
import type { CellValue } from './features.ts';
import { cellNumber, cellText } from './features.ts';

function key(text: string): string {
  return text.toLowerCase().replace(/[\s_-]+/g, '');
}

/** Yes/no service columns: "no tech support", "has tech support". */
const SERVICE_LABELS: Record<string, string> = {
  techsupport: 'tech support',
  onlinesecurity: 'online security',
  onlinebackup: 'online backup',
  deviceprotection: 'device protection',
  streamingtv: 'TV streaming',
  streamingmovies: 'movie streaming',
  multiplelines: 'multiple phone lines',
  phoneservice: 'phone service',
  partner: 'partner',
  dependents: 'dependents',
};

const VALUE_PHRASES: Record<string, Record<string, string>> = {
  contract: {
    monthtomonth: 'month-to-month contract',
    oneyear: 'one-year contract',
    twoyear: 'two-year contract',
  },
  internetservice: {
    fiberoptic: 'fibre-optic internet',
    dsl: 'DSL internet',
    no: 'no internet service',
  },
  paymentmethod: {
    electroniccheck: 'pays by electronic check',
    mailedcheck: 'pays by mailed check',
    'banktransfer(automatic)': 'pays by automatic bank transfer',
    'creditcard(automatic)': 'pays by automatic credit card',
  },
  paperlessbilling: { yes: 'paperless billing', no: 'paper billing' },
  seniorcitizen: { '1': 'senior citizen', yes: 'senior citizen', '0': 'not a senior citizen' },
  gender: { female: 'female', male: 'male' },
};

/** Numeric columns: [phrase when below the average customer, phrase when above]. */
const NUMERIC_PHRASES: Record<string, readonly [string, string]> = {
  tenure: ['short tenure', 'long tenure'],
  tenuremonths: ['short tenure', 'long tenure'],
  monthlycharges: ['low monthly charges', 'high monthly charges'],
  totalcharges: ['low total charges so far', 'high total charges'],
};

/** Phrase for a categorical column's value. */
export function describeCategory(column: string, value: CellValue): string {
  const text = cellText(value);
  if (text === null) return `${column} not recorded`;
  const columnKey = key(column);
  const valueKey = key(text);
  const known = VALUE_PHRASES[columnKey]?.[valueKey];
  if (known) return known;
  if (columnKey === 'plan' || columnKey === 'tariff') return `${text} plan`;
  const service = SERVICE_LABELS[columnKey];
  if (service) {
    if (valueKey === 'no') return `no ${service}`;
    if (valueKey === 'yes') return `has ${service}`;
    if (valueKey === 'nointernetservice') return 'no internet service';
    if (valueKey === 'nophoneservice') return 'no phone service';
  }
  return `${column}: ${text}`;
}

/** Phrase for a numeric column; `aboveAverage` says on which side of the mean it lies. */
export function describeNumber(column: string, value: CellValue, aboveAverage: boolean): string {
  const number = cellNumber(value);
  if (number === null) return `${column} not recorded`;
  const columnKey = key(column);
  const asCategory = VALUE_PHRASES[columnKey]?.[String(number)];
  if (asCategory) return asCategory;
  const phrases = NUMERIC_PHRASES[columnKey];
  if (phrases) return phrases[aboveAverage ? 1 : 0];
  return `${column}: ${String(value).trim()}`;
}
