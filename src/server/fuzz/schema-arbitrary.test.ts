import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  hasInvalidValues,
  invalidValue,
  jsonText,
  mutatedJson,
  percentEncode,
  validValue,
  wtf8,
  type JsonSchema,
} from './schema-arbitrary.ts';

/** The JSON Schema our routes publish for a zod schema (request side, as the OpenAPI shows). */
const published = (schema: z.ZodType) =>
  z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;

/** What the server does with a body: JSON text in, JSON.parse, then zod. */
const roundTrip = (value: unknown) => JSON.parse(jsonText(value)) as unknown;

const schemas: Record<string, z.ZodType> = {
  'a strict object like the contact body': z.strictObject({
    contactId: z.string().min(1).max(200).optional(),
    customerId: z.string().min(1).max(200),
    startedAt: z.iso.datetime({ offset: true }),
    endedAt: z.iso.datetime().optional(),
    csat: z.int().min(1).max(5).optional(),
    resolved: z.boolean().optional(),
    result: z.enum(['offered', 'accepted', 'declined']),
  }),
  'a date or timestamp': z.union([z.iso.datetime({ offset: true }), z.iso.date()]),
  'a bounded number with exclusive limits': z.number().gt(0).lt(1),
  'an integer with a default': z.int().min(1).max(500).default(50),
  'a token id pattern': z.string().regex(/^[1-9][0-9]{0,17}$/),
  'a list of names': z.strictObject({
    supervisor: z.string().min(1).max(200),
    teams: z.array(z.string().min(1).max(200)).max(100),
  }),
  'nullable text and a literal': z.strictObject({
    note: z.string().max(20).nullable(),
    kind: z.literal('treatment'),
  }),
  'an email and a uuid': z.strictObject({ email: z.email(), id: z.uuid() }),
};

describe('schema arbitraries', () => {
  for (const [title, schema] of Object.entries(schemas)) {
    it(`generates only accepted values for ${title}`, () => {
      fc.assert(
        fc.property(validValue(published(schema)), (value) => {
          const parsed = schema.safeParse(roundTrip(value));
          if (!parsed.success) throw new Error(`${jsonText(value)}: ${parsed.error.message}`);
        }),
        { numRuns: 300, seed: 1 },
      );
    });

    it(`generates only rejected values for ${title}`, () => {
      const jsonSchema = published(schema);
      expect(hasInvalidValues(jsonSchema)).toBe(true);
      fc.assert(
        fc.property(invalidValue(jsonSchema), (value) => {
          // 1e999 is read as Infinity, which zod refuses as a number.
          expect(schema.safeParse(roundTrip(value)).success, jsonText(value)).toBe(false);
        }),
        { numRuns: 300, seed: 2 },
      );
    });
  }

  it('uses known values for a field of that name when they fit the schema', () => {
    const schema = published(z.strictObject({ customerId: z.string().min(1).max(12) }));
    const known = ['CUST-0001', 'much-too-long-to-fit'];
    const seen = fc.sample(validValue(schema, { examples: () => known }), {
      numRuns: 400,
      seed: 3,
    });
    const ids = seen.map((value) => (value as { customerId: string }).customerId);
    expect(ids).toContain('CUST-0001');
    expect(ids).not.toContain('much-too-long-to-fit');
  });

  it('reaches NUL, lone surrogates and the edges of the calendar among valid values', () => {
    const text = fc.sample(validValue({ type: 'string', maxLength: 100 }), {
      numRuns: 2000,
      seed: 4,
    });
    expect(text.some((s) => typeof s === 'string' && s.includes('\u0000'))).toBe(true);
    expect(text.some((s) => typeof s === 'string' && /[\ud800-\udfff]/.test(s))).toBe(true);
    const dates = fc.sample(validValue({ type: 'string', format: 'date' }), {
      numRuns: 2000,
      seed: 5,
    });
    expect(dates).toContain('0000-01-01');
  });

  it('writes lone surrogates as bytes no UTF-8 decoder accepts, and percent-encodes them', () => {
    expect([...wtf8('a\ud800')]).toEqual([0x61, 0xed, 0xa0, 0x80]);
    expect(wtf8('\ud83d\ude00').toString('utf8')).toBe('\ud83d\ude00');
    expect(new TextDecoder('utf-8', { fatal: false }).decode(wtf8('\ud800'))).toContain('\ufffd');
    expect(percentEncode('a b/\ud800')).toBe('a%20b%2F%ED%A0%80');
    expect(jsonText({ a: '\ud800' })).toBe('{"a":"\\ud800"}');
    expect(jsonText({ a: '\ud800' }, true)).toBe('{"a":"\ud800"}');
    expect(jsonText({ n: -0, s: 'q"\u0000' })).toBe('{"n":-0,"s":"q\\"\\u0000"}');
  });

  it('mutates one place of a known document at a time', () => {
    const example = { id: 'xs', prior: { propensity: 0.2 }, tags: ['a'] };
    for (const variant of fc.sample(mutatedJson(example), { numRuns: 200, seed: 6 })) {
      expect(variant).not.toBe(example);
    }
    expect(example).toEqual({ id: 'xs', prior: { propensity: 0.2 }, tags: ['a'] });
  });
});
