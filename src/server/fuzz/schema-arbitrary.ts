import fc from 'fast-check';

/**
 * The part of JSON Schema that @fastify/swagger writes for our zod schemas. Anything else is
 * ignored, which only makes a schema more permissive, so valid values stay valid.
 */
export interface JsonSchema {
  type?: JsonType | JsonType[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number | boolean;
  exclusiveMaximum?: number | boolean;
  nullable?: boolean;
  default?: unknown;
}

type JsonType = 'string' | 'number' | 'integer' | 'boolean' | 'null' | 'array' | 'object';

export interface GenerationOptions {
  /**
   * Values known to exist (customer ids, emails, treatment ids) by field name: random strings
   * almost never name a stored row, so without these valid requests would stop at "not found".
   */
  examples?: (name: string | undefined) => readonly string[];
  /** Off for header values, which cannot carry control characters or most of Unicode. */
  hostileStrings?: boolean;
}

/**
 * Text placed as is: in a JSON body, a number JSON.stringify cannot write (1e999, -0); in a URL,
 * an escape that is not valid percent-encoding or UTF-8.
 */
export class Verbatim {
  constructor(readonly text: string) {}
}

export function verbatim(text: string): Verbatim {
  return new Verbatim(text);
}

const allTypes: readonly JsonType[] = [
  'string',
  'number',
  'integer',
  'boolean',
  'null',
  'array',
  'object',
];

/**
 * Strings that break things which assume tidy text: NUL (PostgreSQL text cannot hold it), lone
 * surrogates (not encodable as UTF-8), direction overrides, zero-width and case-folding
 * characters that change length, line separators, and the usual injection probes.
 */
export const hostileFragments: readonly string[] = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\udbff\udfff',
  '\u202e',
  '\u200b',
  '\ufeff',
  '\ufffe',
  '\uffff',
  '\u0085',
  '\u2028',
  '\u00a0',
  'e\u0301',
  '\ud835\udd4f',
  '\ud83d\udc69\u200d\ud83d\udc69\u200d\ud83d\udc67',
  'İ',
  'ß',
  'ﬃ',
  '\r\n',
  '\t',
  ' ',
  '',
  '  padded  ',
  "' OR '1'='1",
  '"; DROP TABLE customers; --',
  '%00',
  '%',
  '../../../etc/passwd',
  '<script>alert(1)</script>',
  '${7*7}',
  'null',
  'NaN',
  '-1',
  '1e309',
  '__proto__',
  '\\',
  '\\u0000',
];

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));

/** Short hostile text: fragments and odd code points strung together. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...hostileFragments), weight: 4 },
  {
    arbitrary: fc
      .array(
        fc.oneof(
          fc.constantFrom(...hostileFragments),
          fc.string({ unit: 'binary', maxLength: 3 }),
          loneSurrogate,
        ),
        { minLength: 1, maxLength: 4 },
      )
      .map((parts) => parts.join('')),
    weight: 3,
  },
  {
    // Large enough to pass any declared maximum and to stress what reads it, small enough to send
    // many; the body limit itself is probed separately.
    arbitrary: fc
      .tuple(fc.constantFrom('x', 'é', '\u0000', '\ud800'), fc.constantFrom(300, 5_000, 70_000))
      .map(([piece, times]) => piece.repeat(times)),
    weight: 1,
  },
);

/** Dates that are valid by the schema's pattern but sit at the edges of what a database holds. */
const edgeDateTimes = [
  '0000-01-01T00:00:00Z',
  '0000-02-29T00:00:00Z',
  '0001-01-01T00:00:00Z',
  '1969-12-31T23:59:59.999Z',
  '1970-01-01T00:00:00Z',
  '9999-12-31T23:59:59Z',
  '9999-12-31T23:59:59.999999999Z',
  '9999-12-31T23:59:59.999999999-23:59',
  '0000-01-01T00:00:00+23:59',
];
const edgeDates = ['0000-01-01', '0000-02-29', '0001-01-01', '1970-01-01', '9999-12-31'];

/** Near misses of a date or timestamp; each breaks the declared pattern. */
const badDateTexts: readonly string[] = [
  '2024-02-30',
  '2023-02-29T00:00:00Z',
  '2024-13-01',
  '2024-01-01T24:00:00Z',
  '0000-00-00',
  '-000001-01-01T00:00:00Z',
  '+275760-09-13T00:00:00Z',
  '2024-1-1',
  '2024-01-01 00:00:00',
  'yesterday',
  '1e12',
  '',
];

const normalDate = fc.date({
  min: new Date('1900-01-01T00:00:00Z'),
  max: new Date('2199-12-31T23:59:59Z'),
  noInvalidDate: true,
});

const dateTimeText = fc.oneof(
  { arbitrary: normalDate.map((d) => d.toISOString()), weight: 4 },
  { arbitrary: normalDate.map((d) => d.toISOString().replace(/\.\d{3}Z$/, 'Z')), weight: 2 },
  {
    arbitrary: fc
      .tuple(
        normalDate,
        fc.constantFrom('+', '-'),
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
      )
      .map(
        ([d, sign, h, m]) => `${d.toISOString().slice(0, 19)}${sign}${pad(h)}:${pad(m)}` as string,
      ),
    weight: 2,
  },
  { arbitrary: fc.constantFrom(...edgeDateTimes), weight: 1 },
);

const dateText = fc.oneof(
  { arbitrary: normalDate.map((d) => d.toISOString().slice(0, 10)), weight: 5 },
  { arbitrary: fc.constantFrom(...edgeDates), weight: 1 },
);

const emailText = fc
  .tuple(
    fc.stringMatching(/^[a-z0-9]{1,12}(\.[a-z0-9]{1,8})?$/),
    fc.stringMatching(/^[a-z0-9]{1,12}$/),
    fc.constantFrom('com', 'org', 'example', 'io'),
  )
  .map(([local, domain, tld]) => `${local}@${domain}.${tld}`);

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function compilePattern(pattern: string): RegExp | null {
  for (const flags of ['u', '']) {
    try {
      return new RegExp(pattern, flags);
    } catch {
      // Try without the unicode flag: some patterns use escapes only legacy mode allows.
    }
  }
  return null;
}

/** True when the string meets the schema's length and pattern (lengths in UTF-16 units, as zod counts). */
function stringFits(schema: JsonSchema): (value: string) => boolean {
  const pattern = schema.pattern === undefined ? null : compilePattern(schema.pattern);
  return (value) =>
    value.length >= (schema.minLength ?? 0) &&
    (schema.maxLength === undefined || value.length <= schema.maxLength) &&
    (pattern === null || pattern.test(value));
}

function typesOf(schema: JsonSchema): JsonType[] {
  if (schema.const !== undefined) return [jsonTypeOf(schema.const)];
  if (schema.enum) return [...new Set(schema.enum.map(jsonTypeOf))];
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches) return [...new Set(branches.flatMap(typesOf))];
  if (schema.allOf && schema.allOf.length > 0) return typesOf(mergeAllOf(schema.allOf));
  const declared =
    schema.type === undefined
      ? [...allTypes]
      : Array.isArray(schema.type)
        ? schema.type
        : [schema.type];
  const withNull: JsonType[] = schema.nullable ? [...declared, 'null'] : [...declared];
  // An integer is also a number; listing both keeps "is this type allowed" questions simple.
  if (withNull.includes('number') && !withNull.includes('integer')) withNull.push('integer');
  return [...new Set(withNull)];
}

function jsonTypeOf(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'string') return 'string';
  return 'object';
}

function mergeAllOf(parts: JsonSchema[]): JsonSchema {
  const merged: JsonSchema = {};
  for (const part of parts) {
    Object.assign(merged, part, {
      properties: { ...merged.properties, ...part.properties },
      required: [...(merged.required ?? []), ...(part.required ?? [])],
    });
  }
  delete merged.allOf;
  return merged;
}

function withoutNullable(schema: JsonSchema): JsonSchema {
  const { nullable: _nullable, ...rest } = schema;
  return rest;
}

/** Any JSON value, small, with hostile strings among the ordinary ones. */
export function anyJson(options: GenerationOptions = {}): fc.Arbitrary<unknown> {
  const text =
    options.hostileStrings === false
      ? fc.string({ maxLength: 12 })
      : fc.oneof(fc.string({ maxLength: 12 }), hostileString);
  return fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constant(null),
      fc.boolean(),
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      text,
      fc.array(tie('value'), { maxLength: 3 }),
      fc.dictionary(fc.string({ maxLength: 8 }), tie('value'), { maxKeys: 3 }),
    ),
  })).value;
}

/** Values the schema accepts (for strings, hostile but acceptable text included). */
export function validValue(
  schema: JsonSchema,
  options: GenerationOptions = {},
  name?: string,
): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches && branches.length > 0) {
    // oneOf can in principle reject a value two branches accept; zod never writes such unions.
    return fc.oneof(...branches.map((branch) => validValue(branch, options, name)));
  }
  if (schema.allOf && schema.allOf.length > 0) {
    return validValue(mergeAllOf(schema.allOf), options, name);
  }
  if (schema.nullable) {
    return fc.option(validValue(withoutNullable(schema), options, name), { freq: 5 });
  }
  const types =
    schema.type === undefined ? null : Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types === null) return anyJson(options);
  return fc.oneof(...types.map((type) => validOfType(type, schema, options, name)));
}

function validOfType(
  type: JsonType,
  schema: JsonSchema,
  options: GenerationOptions,
  name: string | undefined,
): fc.Arbitrary<unknown> {
  switch (type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return validInteger(schema);
    case 'number':
      return validNumber(schema);
    case 'string':
      return validString(schema, options, name);
    case 'array':
      return validArray(schema, options, name);
    case 'object':
      return validObject(schema, options);
  }
}

function numericBounds(schema: JsonSchema) {
  const exclusiveMin =
    typeof schema.exclusiveMinimum === 'number'
      ? schema.exclusiveMinimum
      : schema.exclusiveMinimum === true
        ? schema.minimum
        : undefined;
  const exclusiveMax =
    typeof schema.exclusiveMaximum === 'number'
      ? schema.exclusiveMaximum
      : schema.exclusiveMaximum === true
        ? schema.maximum
        : undefined;
  return {
    min: exclusiveMin ?? schema.minimum,
    max: exclusiveMax ?? schema.maximum,
    minExcluded: exclusiveMin !== undefined,
    maxExcluded: exclusiveMax !== undefined,
  };
}

function validInteger(schema: JsonSchema): fc.Arbitrary<number> {
  const b = numericBounds(schema);
  const min =
    b.min === undefined
      ? Number.MIN_SAFE_INTEGER
      : b.minExcluded
        ? Math.floor(b.min) + 1
        : Math.ceil(b.min);
  const max =
    b.max === undefined
      ? Number.MAX_SAFE_INTEGER
      : b.maxExcluded
        ? Math.ceil(b.max) - 1
        : Math.floor(b.max);
  // Small values are the common case; the full range reaches bigint columns and overflow.
  const small = fc.integer({ min: Math.max(min, -1000), max: Math.min(max, 1000) });
  const full = fc.integer({ min, max });
  return min <= 1000 && max >= -1000 ? fc.oneof(small, full) : full;
}

function validNumber(schema: JsonSchema): fc.Arbitrary<number> {
  const b = numericBounds(schema);
  return fc.double({
    noNaN: true,
    noDefaultInfinity: true,
    ...(b.min === undefined
      ? { min: -Number.MAX_VALUE }
      : { min: b.min, minExcluded: b.minExcluded }),
    ...(b.max === undefined
      ? { max: Number.MAX_VALUE }
      : { max: b.max, maxExcluded: b.maxExcluded }),
  });
}

function validString(
  schema: JsonSchema,
  options: GenerationOptions,
  name: string | undefined,
): fc.Arbitrary<string> {
  const fits = stringFits(schema);
  const known = (options.examples?.(name) ?? []).filter(fits);
  const min = schema.minLength ?? 0;
  const max = schema.maxLength ?? min + 40;
  const choices: fc.WeightedArbitrary<string>[] = [];
  const format =
    schema.format === 'date-time'
      ? dateTimeText
      : schema.format === 'date'
        ? dateText
        : schema.format === 'uuid'
          ? fc.uuid({ version: 4 })
          : schema.format === 'email'
            ? emailText
            : null;
  if (format) {
    choices.push({ arbitrary: format.filter(fits), weight: 6 });
  } else if (schema.pattern !== undefined && compilePattern(schema.pattern)) {
    choices.push({
      arbitrary: fc.stringMatching(compilePattern(schema.pattern)!).filter(fits),
      weight: 6,
    });
  } else {
    const cap = Math.min(max, min + 40);
    choices.push({
      arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: min, maxLength: cap }),
      weight: 4,
    });
    if (options.hostileStrings !== false) {
      choices.push({
        arbitrary: fc.string({ unit: 'grapheme', minLength: min, maxLength: cap }).filter(fits),
        weight: 1,
      });
      choices.push({
        arbitrary: fc
          .tuple(
            fc.string({ unit: 'grapheme-ascii', minLength: min, maxLength: min }),
            hostileString,
          )
          .map(([head, tail]) => head + tail)
          .filter(fits),
        weight: 2,
      });
    }
  }
  if (known.length > 0) choices.push({ arbitrary: fc.constantFrom(...known), weight: 4 });
  return fc.oneof(...choices);
}

function validArray(
  schema: JsonSchema,
  options: GenerationOptions,
  name: string | undefined,
): fc.Arbitrary<unknown[]> {
  const minLength = schema.minItems ?? 0;
  const maxLength = Math.min(schema.maxItems ?? minLength + 4, minLength + 4);
  return fc.array(schema.items ? validValue(schema.items, options, name) : anyJson(options), {
    minLength,
    maxLength,
  });
}

function validObject(schema: JsonSchema, options: GenerationOptions): fc.Arbitrary<unknown> {
  const properties = schema.properties ?? {};
  const keys = Object.keys(properties);
  const required = (schema.required ?? []).filter((key) => key in properties);
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const key of keys) model[key] = validValue(properties[key]!, options, key);
  const declared = fc.record(model, { requiredKeys: required });
  const extra = schema.additionalProperties;
  if (extra === false || (extra === undefined && keys.length > 0)) return declared;
  // Free-form objects (or maps): a few extra entries valid for the additional schema.
  const extraValue =
    extra === undefined || extra === true ? anyJson(options) : validValue(extra, options);
  const extraKey = fc
    .oneof(fc.string({ minLength: 1, maxLength: 12 }), fc.constantFrom('id', 'name', 'active'))
    .filter((key) => !(key in properties));
  return fc
    .tuple(declared, fc.dictionary(extraKey, extraValue, { maxKeys: 3 }))
    .map(([known, more]) => ({ ...more, ...known }));
}

/** A value of a JSON type the schema does not allow, or null when it allows every type. */
function wrongType(schema: JsonSchema): fc.Arbitrary<unknown> | null {
  const allowed = new Set(typesOf(schema));
  const candidates: { type: JsonType; values: unknown[] }[] = [
    { type: 'string', values: ['text', '1', 'true', ''] },
    { type: 'integer', values: [0, 1, -1, 42] },
    { type: 'number', values: [1.5, -0.25] },
    { type: 'boolean', values: [true, false] },
    { type: 'null', values: [null] },
    { type: 'array', values: [[], ['x', 1]] },
    { type: 'object', values: [{}, { a: 1 }] },
  ];
  const values = candidates
    .filter(({ type }) => !allowed.has(type) && !(type === 'number' && allowed.has('number')))
    .flatMap(({ values }) => values);
  return values.length === 0 ? null : fc.constantFrom(...values);
}

/**
 * Values the schema rejects: wrong types, lengths and bounds just past the limit, values outside
 * an enum, missing required properties, unexpected ones, near-miss dates. For a schema that
 * rejects nothing (`{}`) it falls back to hostile values it accepts.
 */
export function invalidValue(
  schema: JsonSchema,
  options: GenerationOptions = {},
  name?: string,
): fc.Arbitrary<unknown> {
  const choices: fc.Arbitrary<unknown>[] = [];
  const wrong = wrongType(schema);
  if (wrong) choices.push(wrong);
  const types = new Set(typesOf(schema));
  const enumValues = schema.const !== undefined ? [schema.const] : schema.enum;
  const branches = schema.anyOf ?? schema.oneOf;
  if (enumValues) {
    const strings = enumValues.filter((v): v is string => typeof v === 'string');
    const misses = [
      ...strings.flatMap((v) => [v.toUpperCase(), ` ${v}`, `${v}\u0000`, `${v}x`]),
      'unknown',
      '',
    ].filter((v) => !enumValues.includes(v));
    if (misses.length > 0) choices.push(fc.constantFrom(...misses));
  } else if (branches) {
    // Only what every branch certainly rejects: the wrong type (above) or, for unions of
    // string formats (a date or a timestamp), near-miss texts none of them matches.
    const misses = [...badDateTexts, ...hostileFragments].filter((text) =>
      branches.every((branch) => rejectsString(branch, text)),
    );
    if (misses.length > 0) choices.push(fc.constantFrom(...misses));
  } else {
    if (types.has('string') && schema.type !== undefined) {
      const invalid = invalidStringOnly(schema);
      if (invalid) choices.push(invalid);
    }
    if ((types.has('integer') || types.has('number')) && schema.type !== undefined) {
      const invalid = invalidNumberOnly(schema);
      if (invalid) choices.push(invalid);
    }
    if (types.has('array') && schema.type !== undefined) {
      const invalid = invalidArrayOnly(schema, options, name);
      if (invalid) choices.push(invalid);
    }
    if (types.has('object') && schema.type !== undefined) {
      const invalid = invalidObjectOnly(schema, options);
      if (invalid) choices.push(invalid);
    }
  }
  if (choices.length === 0) return fc.oneof(hostileString, anyJson(options));
  return fc.oneof(...choices);
}

function invalidStringOnly(schema: JsonSchema): fc.Arbitrary<string> | null {
  const choices: fc.Arbitrary<string>[] = [];
  const fits = stringFits(schema);
  if ((schema.minLength ?? 0) > 0) {
    choices.push(fc.constant('x'.repeat(schema.minLength! - 1)));
  }
  if (schema.maxLength !== undefined) {
    choices.push(
      fc.constantFrom(
        'x'.repeat(schema.maxLength + 1),
        'é'.repeat(schema.maxLength + 1),
        'x'.repeat(Math.max(schema.maxLength * 10, 1000)),
      ),
    );
  }
  if (schema.format === 'date' || schema.format === 'date-time') {
    const misses = badDateTexts.filter((text) => !fits(text));
    if (misses.length > 0) choices.push(fc.constantFrom(...misses));
  }
  if (schema.pattern !== undefined && compilePattern(schema.pattern)) {
    const misses = [...hostileFragments, 'x', 'X1', '0', '-1'].filter((text) => !fits(text));
    if (misses.length > 0) choices.push(fc.constantFrom(...misses));
  }
  return choices.length === 0 ? null : fc.oneof(...choices);
}

/** True when the schema certainly rejects this string (unknown keywords count as accepting). */
function rejectsString(schema: JsonSchema, text: string): boolean {
  if (schema.const !== undefined) return schema.const !== text;
  if (schema.enum) return !schema.enum.includes(text);
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches) return branches.every((branch) => rejectsString(branch, text));
  if (!typesOf(schema).includes('string')) return true;
  return !stringFits(schema)(text);
}

function invalidNumberOnly(schema: JsonSchema): fc.Arbitrary<unknown> | null {
  const b = numericBounds(schema);
  const types = typesOf(schema);
  const integer =
    types.includes('integer') &&
    !(schema.type === 'number' || (Array.isArray(schema.type) && schema.type.includes('number')));
  const values: unknown[] = [];
  if (b.min !== undefined) values.push(b.minExcluded ? b.min : b.min - (integer ? 1 : 0.5));
  if (b.max !== undefined) values.push(b.maxExcluded ? b.max : b.max + (integer ? 1 : 0.5));
  if (integer) values.push(0.5, 1e-7, verbatim('1.5'));
  // 1e999 parses to Infinity: no finite bound holds it.
  values.push(verbatim('1e999'), verbatim('-1e999'));
  if (b.max === undefined) values.push(Number.MAX_VALUE);
  if (b.min === undefined) values.push(-Number.MAX_VALUE);
  const outside = values.filter(
    (v) =>
      v instanceof Verbatim ||
      (typeof v === 'number' &&
        ((b.min !== undefined && (b.minExcluded ? v <= b.min : v < b.min)) ||
          (b.max !== undefined && (b.maxExcluded ? v >= b.max : v > b.max)) ||
          (integer && !Number.isInteger(v)))),
  );
  return outside.length === 0 ? null : fc.constantFrom(...outside);
}

function invalidArrayOnly(
  schema: JsonSchema,
  options: GenerationOptions,
  name: string | undefined,
): fc.Arbitrary<unknown> | null {
  const choices: fc.Arbitrary<unknown>[] = [];
  const item = schema.items ? validValue(schema.items, options, name) : anyJson(options);
  if (schema.maxItems !== undefined) {
    choices.push(
      fc.array(item, { minLength: schema.maxItems + 1, maxLength: schema.maxItems + 2 }),
    );
  }
  if ((schema.minItems ?? 0) > 0) {
    choices.push(fc.array(item, { maxLength: schema.minItems! - 1 }));
  }
  if (schema.items) {
    const bad = invalidValue(schema.items, options, name);
    const min = schema.minItems ?? 0;
    const max = Math.max(min, Math.min(schema.maxItems ?? 3, 3));
    if (max >= 1) {
      choices.push(
        fc
          .tuple(
            fc.array(item, { minLength: Math.max(min - 1, 0), maxLength: max - 1 }),
            bad,
            fc.nat(),
          )
          .map(([items, wrong, at]) => {
            const copy = [...items];
            copy.splice(at % (copy.length + 1), 0, wrong);
            return copy;
          }),
      );
    }
  }
  return choices.length === 0 ? null : fc.oneof(...choices);
}

/** Keys that are not properties and would upset a careless merge. */
const strangeKeys = ['__proto__', 'constructor', 'prototype', 'toString', '', ' ', '\u0000', 'ID'];

function invalidObjectOnly(
  schema: JsonSchema,
  options: GenerationOptions,
): fc.Arbitrary<unknown> | null {
  const properties = schema.properties ?? {};
  const required = (schema.required ?? []).filter((key) => key in properties);
  const base = validObject(schema, options) as fc.Arbitrary<Record<string, unknown>>;
  const choices: fc.Arbitrary<unknown>[] = [];
  if (required.length > 0) {
    choices.push(
      fc.tuple(base, fc.constantFrom(...required)).map(([value, key]) => {
        const copy = { ...value };
        delete copy[key];
        return copy;
      }),
    );
  }
  if (schema.additionalProperties === false) {
    const extra = fc
      .oneof(fc.constantFrom(...strangeKeys), fc.string({ minLength: 1, maxLength: 10 }))
      .filter((key) => !(key in properties));
    choices.push(
      fc.tuple(base, extra, anyJson(options)).map(([value, key, more]) => {
        const copy: Record<string, unknown> = { ...value };
        // defineProperty, so "__proto__" becomes a key of the body rather than a prototype.
        Object.defineProperty(copy, key, {
          value: more,
          enumerable: true,
          configurable: true,
          writable: true,
        });
        return copy;
      }),
    );
  }
  for (const key of Object.keys(properties)) {
    if (!hasInvalidValues(properties[key]!)) continue;
    const bad = invalidValue(properties[key]!, options, key);
    choices.push(fc.tuple(base, bad).map(([value, wrong]) => ({ ...value, [key]: wrong })));
  }
  return choices.length === 0 ? null : fc.oneof(...choices);
}

/** False for a schema that accepts every JSON value (`{}`): invalidValue cannot break it. */
export function hasInvalidValues(schema: JsonSchema): boolean {
  return !(
    typesOf(schema).length === allTypes.length &&
    !schema.enum &&
    schema.const === undefined
  );
}

function escapeJsonString(text: string, rawSurrogates: boolean): string {
  let out = '"';
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    const char = text[i]!;
    if (char === '"') out += '\\"';
    else if (char === '\\') out += '\\\\';
    else if (code < 0x20) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else if (code >= 0xd800 && code <= 0xdfff) {
      const next = text.charCodeAt(i + 1);
      const paired = code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff;
      if (paired) {
        out += char + text[i + 1]!;
        i += 1;
      } else {
        out += rawSurrogates ? char : `\\u${code.toString(16)}`;
      }
    } else out += char;
  }
  return `${out}"`;
}

/**
 * JSON text of a value, with Verbatim pieces as written and, when `rawSurrogates`, lone
 * surrogates left unescaped so that the UTF-8 encoding of the text is invalid.
 */
export function jsonText(value: unknown, rawSurrogates = false): string {
  if (value instanceof Verbatim) return value.text;
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return 'null';
    return Object.is(value, -0) ? '-0' : String(value);
  }
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return escapeJsonString(value, rawSurrogates);
  if (Array.isArray(value)) return `[${value.map((v) => jsonText(v, rawSurrogates)).join(',')}]`;
  const entries = Object.keys(value as object).map(
    (key) =>
      `${escapeJsonString(key, rawSurrogates)}:${jsonText((value as Record<string, unknown>)[key], rawSurrogates)}`,
  );
  return `{${entries.join(',')}}`;
}

/**
 * UTF-8 of a string, except that a lone surrogate is written as the three bytes UTF-8 would use
 * for it (WTF-8), which a strict decoder rejects: the bytes a buggy client or proxy sends.
 */
export function wtf8(text: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i += 1) {
    let code = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1);
    if (code >= 0xd800 && code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      code = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
      i += 1;
    }
    if (code < 0x80) bytes.push(code);
    else if (code < 0x800) bytes.push(0xc0 | (code >> 6), 0x80 | (code & 0x3f));
    else if (code < 0x10000) {
      bytes.push(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f));
    } else {
      bytes.push(
        0xf0 | (code >> 18),
        0x80 | ((code >> 12) & 0x3f),
        0x80 | ((code >> 6) & 0x3f),
        0x80 | (code & 0x3f),
      );
    }
  }
  return Buffer.from(bytes);
}

/** Percent-encoding for a URL component; lone surrogates go out as their WTF-8 bytes. */
export function percentEncode(text: string): string {
  let out = '';
  for (const byte of wtf8(text)) {
    const char = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-_.~]/.test(char)
      ? char
      : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The text with each lone surrogate replaced by U+FFFD, as a well-behaved client encodes it. */
function wellFormed(text: string): string {
  return text.replace(
    /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    '\ufffd',
  );
}

/**
 * A query or path value as text: what a client would write for a number, a flag or a list.
 * `asSent` keeps lone surrogates as invalid bytes; otherwise they are sent as U+FFFD, since no
 * valid percent-encoding holds them.
 */
export function urlText(value: unknown, asSent = false): string {
  const encode = (text: string) => percentEncode(asSent ? text : wellFormed(text));
  if (value instanceof Verbatim) return value.text;
  if (typeof value === 'string') return encode(value);
  if (typeof value === 'number' || typeof value === 'boolean') return encode(String(value));
  if (value === null || value === undefined) return '';
  return encode(jsonText(value));
}

/**
 * Variations of a known-good JSON document (a stored treatment, the routing config): one leaf
 * replaced by a hostile or wrongly typed value, one key removed, or one added.
 */
export function mutatedJson(
  example: unknown,
  options: GenerationOptions = {},
): fc.Arbitrary<unknown> {
  const paths: (string | number)[][] = [];
  const walk = (node: unknown, path: (string | number)[]) => {
    if (paths.length > 200) return;
    paths.push(path);
    if (Array.isArray(node)) node.forEach((child, i) => walk(child, [...path, i]));
    else if (node !== null && typeof node === 'object') {
      for (const [key, child] of Object.entries(node)) walk(child, [...path, key]);
    }
  };
  walk(example, []);
  const replacement = fc.oneof(
    hostileString,
    fc.constantFrom<unknown>(null, -1, 0, 1e308, 1.5, true, '', [], {}, verbatim('1e999')),
    anyJson(options),
  );
  return fc
    .tuple(
      fc.nat({ max: paths.length - 1 }),
      fc.constantFrom('replace', 'delete', 'add'),
      replacement,
    )
    .map(([index, action, value]) => {
      const copy: unknown = structuredClone(example);
      const path = paths[index]!;
      if (path.length === 0) return action === 'replace' ? value : copy;
      const parent = path
        .slice(0, -1)
        .reduce<unknown>(
          (node, key) => (node as Record<string | number, unknown>)[key],
          copy,
        ) as Record<string | number, unknown>;
      const key = path[path.length - 1]!;
      if (action === 'replace') parent[key] = value;
      else if (action === 'delete') {
        if (Array.isArray(parent)) parent.splice(Number(key), 1);
        else delete parent[key];
      } else if (Array.isArray(parent)) parent.push(value);
      else parent[`${String(key)}_extra`] = value;
      return copy;
    });
}
