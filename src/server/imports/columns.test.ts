import { describe, expect, it } from 'vitest';
import { describeIssues, importColumns, importKinds, rowSchemas, type ImportKind } from './rows.ts';

/** A valid cell for every column any kind takes. */
const sample: Record<string, string> = {
  customer_id: 'C1',
  name: 'Ada',
  email: 'ada@example.com',
  phone: '+1 415 555 0100',
  since: '2024-01-01',
  kind: 'email',
  value: 'ada@example.com',
  crm: 'salesforce',
  object_type: 'contact',
  occurred_at: '2024-01-02T10:00:00Z',
  amount: '12.50',
  order_id: 'O1',
  currency: 'EUR',
  contact_id: 'K1',
  started_at: '2024-01-02T10:00:00Z',
  channel: 'phone',
  ended_at: '2024-01-02T10:05:00Z',
  agent: 'Grace',
  team: 'Support',
  reason: 'billing',
  resolved_first_contact: 'yes',
  csat: '5',
  telephony_user_id: 'U-1',
  telephony_email: 'Grace@Example.com',
  platform: 'aircall',
};

const schemas = rowSchemas({ phoneRegion: 'US', defaultCurrency: 'USD' });
const rowOf = (columns: string[]) => Object.fromEntries(columns.map((c) => [c, sample[c]!]));

// `loopdesk import --help` prints importColumns; these pin that the row schemas take exactly
// those columns, so the help cannot drift from what a file is checked against.
describe.each(importKinds)('the %s columns', (kind: ImportKind) => {
  const { required, optional } = importColumns[kind];
  const schema = schemas[kind];

  it('accept a row with every listed column', () => {
    expect(schema.safeParse(rowOf([...required, ...optional])).success).toBe(true);
  });

  it('need each required column and none of the optional ones', () => {
    expect(schema.safeParse(rowOf(required)).success).toBe(true);
    for (const column of required) {
      const result = schema.safeParse(rowOf(required.filter((c) => c !== column)));
      expect(result.success, column).toBe(false);
      expect(describeIssues(result.error!).map((issue) => issue.column)).toContain(column);
    }
  });

  it('refuse any other column, except customers, which keep it as an attribute', () => {
    const result = schema.safeParse({ ...rowOf(required), loyalty_tier: 'gold' });
    if (kind === 'customers') {
      expect(result.success).toBe(true);
      expect(result.data).toMatchObject({ attributes: { loyalty_tier: 'gold' } });
      expect(importColumns[kind].allowed).toBeUndefined();
    } else {
      expect(result.success).toBe(false);
      expect(importColumns[kind].allowed).toEqual([...required, ...optional]);
    }
  });
});
