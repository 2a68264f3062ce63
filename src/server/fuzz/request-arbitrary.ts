import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import {
  anyJson,
  hostileFragments,
  hostileString,
  invalidValue,
  jsonText,
  mutatedJson,
  percentEncode,
  urlText,
  validValue,
  Verbatim,
  verbatim,
  wtf8,
  type GenerationOptions,
  type JsonSchema,
} from './schema-arbitrary.ts';

interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: JsonSchema;
}

interface OpenApiOperation {
  parameters?: OpenApiParameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema?: JsonSchema }> };
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
}

export interface RawBody {
  contentType?: string;
  body?: Buffer;
}

/** What is being fuzzed at one method and path, and how its body is built. */
export interface FuzzTarget {
  method: string;
  /** OpenAPI form: /v1/tokens/{id}. */
  path: string;
  parameters: OpenApiParameter[];
  json?: { required: boolean; contentTypes: string[]; schema: JsonSchema; examples: unknown[] };
  /** Known values for this target's parameters by name, in place of the shared ones. */
  examples?: Record<string, readonly string[]>;
  /** Bodies the OpenAPI document cannot describe (CSV, NDJSON, gzip), given the path's values. */
  raw?: (pathValues: Record<string, string>, valid: boolean) => fc.Arbitrary<Tagged<RawBody>>;
}

export interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: Buffer;
  /** The parts deliberately broken ("query", "body:malformed"...); empty for a valid request. */
  broken: string[];
  /** The Authorization header sent for the "unknown token" caller. */
  strangeAuthorization: string;
}

/** A generated part and the names of what was broken in it. */
export interface Tagged<T> {
  value: T;
  broken: string[];
}

const tagged = <T>(value: T, broken: string[] = []): Tagged<T> => ({ value, broken });

export const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The Fastify form of an OpenAPI path: /v1/tokens/:id. */
export function fastifyPath(openApiPath: string): string {
  return openApiPath.replace(/\{([^}]+)\}/g, ':$1');
}

const httpMethods = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

export function targetsFromOpenApi(document: OpenApiDocument): FuzzTarget[] {
  const targets: FuzzTarget[] = [];
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      // A path item may also hold shared parameters or a summary, which are not operations.
      if (!httpMethods.has(method)) continue;
      const content = operation.requestBody?.content ?? {};
      const jsonTypes = Object.keys(content).filter((type) => /json/.test(type));
      targets.push({
        method: method.toUpperCase(),
        path,
        parameters: operation.parameters ?? [],
        ...(jsonTypes.length > 0
          ? {
              json: {
                required: operation.requestBody?.required ?? false,
                contentTypes: jsonTypes,
                schema: content[jsonTypes[0]!]!.schema ?? {},
                examples: [],
              },
            }
          : {}),
      });
    }
  }
  return targets;
}

/** Path segments that trip routers and decoders rather than handlers. */
const hostilePathSegments = [
  verbatim('%'),
  verbatim('%ZZ'),
  verbatim('%ED%A0%80'),
  verbatim('%C0%AF'),
  verbatim('%FF'),
  verbatim('%00'),
  verbatim('..'),
  verbatim('%2e%2e'),
  verbatim('a/b'),
  verbatim(''),
  'x'.repeat(101),
];

/** Query text that is not well-formed percent-encoding or repeats and nests keys oddly. */
const hostileQuerySegments = [
  '%',
  'a=%ZZ',
  'a=%ED%A0%80',
  'a=%C0%AF',
  'a=%FF%FE',
  'a=%00',
  '&&&',
  '=x',
  'a[b]=1',
  '__proto__[x]=1',
  'constructor=1',
  'a=1;b=2',
  '+=+',
];

const wrongJsonContentTypes = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'text/csv',
  'application/xml',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
  'application/json;',
  'application/jsonx',
  '*/*',
  'application/x-ndjson',
];

/** Text no JSON parser should take, or takes in surprising ways. */
const malformedJson: readonly (string | Buffer)[] = [
  '{',
  '{"a":1,}',
  "{'a':1}",
  '',
  'null',
  'NaN',
  '[',
  '{"a":"\\x"}',
  '\ufeff{}',
  '{"a":1}{"b":2}',
  '{"__proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  '['.repeat(5000) + ']'.repeat(5000),
  '{"a":'.repeat(2000) + '1' + '}'.repeat(2000),
  Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
  Buffer.from([0x00]),
  '\u0000{}',
];

/** Header values Node accepts: visible ASCII, space and Latin-1, never controls. */
const headerChar = fc.oneof(
  { arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }), weight: 9 },
  { arbitrary: fc.integer({ min: 0xa0, max: 0xff }).map((c) => String.fromCharCode(c)), weight: 1 },
);

const strangeAuthorization = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('csr', 'supervisor', 'admin'),
      fc.base64String({ minLength: 32, maxLength: 32 }),
    )
    .map(([role, noise]) => `Bearer ld_${role}_${noise.replace(/[+/=]/g, 'A')}`),
  fc.constantFrom(
    'Bearer',
    'Bearer ',
    'Basic dXNlcjpwYXNz',
    'Bearer a b',
    'bearer    spaced    ',
    'Token abc',
    `Bearer ${'x'.repeat(5000)}`,
    'Bearer \u00e9\u00e8',
  ),
  fc.string({ unit: headerChar, maxLength: 40 }),
);

interface Parts {
  path: Tagged<{ text: string; values: Record<string, string> }>;
  query: Tagged<string>;
  headers: Tagged<Record<string, string>>;
}

function parametersIn(target: FuzzTarget, place: OpenApiParameter['in']) {
  return target.parameters.filter((parameter) => parameter.in === place);
}

function pathPart(
  target: FuzzTarget,
  valid: boolean,
  options: GenerationOptions,
): fc.Arbitrary<Parts['path']> {
  const names = parametersIn(target, 'path').map((p) => p.name);
  const model: Record<string, fc.Arbitrary<Tagged<unknown>>> = {};
  for (const parameter of parametersIn(target, 'path')) {
    const schema = parameter.schema ?? { type: 'string' };
    const good = validValue(schema, options, parameter.name).map((v) => tagged(v));
    model[parameter.name] = valid
      ? good
      : fc.oneof(
          { withCrossShrink: true },
          good,
          fc
            .oneof(
              invalidValue(schema, options, parameter.name),
              fc.constantFrom(...hostilePathSegments),
            )
            .map((v) => tagged(v, [`path:${parameter.name}`])),
        );
  }
  return fc.record(model).map((chosen) => {
    const values: Record<string, string> = {};
    const texts: Record<string, string> = {};
    const broken: string[] = [];
    for (const name of names) {
      const part = chosen[name]!;
      broken.push(...part.broken);
      texts[name] = urlText(part.value, part.broken.length > 0);
      values[name] = part.value instanceof Verbatim ? part.value.text : String(part.value);
    }
    const text = target.path.replace(/\{([^}]+)\}/g, (_match, name: string) => texts[name] ?? '');
    return tagged({ text, values }, broken);
  });
}

/** A key and its value, both already encoded; a null value marks a raw segment written as is. */
type QueryPair = [key: string, value: string | null];

/** A value as query text: a list becomes the key repeated, as browsers and qs write it. */
function queryPairs(key: string, value: unknown, asSent = false): QueryPair[] {
  if (Array.isArray(value)) return value.flatMap((item) => queryPairs(key, item, asSent));
  return [[percentEncode(key), urlText(value, asSent)]];
}

function queryPart(
  target: FuzzTarget,
  valid: boolean,
  options: GenerationOptions,
): fc.Arbitrary<Parts['query']> {
  const parameters = parametersIn(target, 'query');
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const parameter of parameters) {
    const value = validValue(parameter.schema ?? { type: 'string' }, options, parameter.name);
    model[parameter.name] = parameter.required ? value : fc.option(value, { nil: undefined });
  }
  const good = fc.record(model);
  const render = (values: Record<string, unknown>) =>
    Object.entries(values)
      .filter(([, value]) => value !== undefined)
      .flatMap(([key, value]) => queryPairs(key, value));
  const goodText = good.map((values) => tagged(renderQuery(render(values))));
  if (valid) return goodText;

  type Mutation = (pairs: QueryPair[]) => QueryPair[];
  const mutations: fc.Arbitrary<Tagged<Mutation>>[] = [
    fc
      .tuple(
        fc.oneof(hostileString, fc.string({ maxLength: 10 })),
        fc.oneof(hostileString, anyJson(options)),
      )
      .map(([key, value]) =>
        tagged<Mutation>((pairs) => [...pairs, ...queryPairs(key, value, true)], ['query:unknown']),
      ),
    fc
      .constantFrom(...hostileQuerySegments)
      .map((raw) =>
        tagged<Mutation>((pairs) => [...pairs, [raw, null] as QueryPair], ['query:encoding']),
      ),
  ];
  for (const parameter of parameters) {
    const key = percentEncode(parameter.name);
    const schema = parameter.schema ?? { type: 'string' };
    mutations.push(
      invalidValue(schema, options, parameter.name).map((value) =>
        tagged<Mutation>(
          (pairs) => [
            ...pairs.filter(([k]) => k !== key),
            ...queryPairs(parameter.name, value, true),
          ],
          [`query:${parameter.name}`],
        ),
      ),
      fc
        .tuple(validValue(schema, options, parameter.name), hostileString)
        .map(([first, second]) =>
          tagged<Mutation>(
            (pairs) => [
              ...pairs,
              ...queryPairs(parameter.name, first),
              ...queryPairs(parameter.name, second, true),
            ],
            [`query:${parameter.name}:repeated`],
          ),
        ),
    );
    if (parameter.required) {
      mutations.push(
        fc.constant(
          tagged<Mutation>(
            (pairs) => pairs.filter(([k]) => k !== key),
            [`query:${parameter.name}:missing`],
          ),
        ),
      );
    }
  }
  const bad = fc
    .tuple(good, fc.array(fc.oneof(...mutations), { minLength: 1, maxLength: 2 }))
    .map(([values, chosen]) => {
      const pairs = chosen.reduce((acc, mutation) => mutation.value(acc), render(values));
      return tagged(
        renderQuery(pairs),
        chosen.flatMap((m) => m.broken),
      );
    });
  return fc.oneof({ withCrossShrink: true }, goodText, bad);
}

function renderQuery(pairs: QueryPair[]): string {
  return pairs.map(([key, value]) => (value === null ? key : `${key}=${value}`)).join('&');
}

function headerValue(schema: JsonSchema, known: readonly string[]): fc.Arbitrary<string> {
  const listed = schema.const !== undefined ? [schema.const] : schema.enum;
  if (listed) return fc.constantFrom(...listed.map(String));
  const min = schema.minLength ?? 0;
  const max = Math.min(schema.maxLength ?? min + 40, min + 40);
  // Header values keep no leading or trailing space on the wire, so none are generated.
  const random = fc
    .string({ unit: headerChar, minLength: min, maxLength: max })
    .filter((value) => value.trim().length === value.length);
  const fitting = known.filter((value) => value.length >= min && value.length <= max);
  return fitting.length === 0 ? random : fc.oneof(random, fc.constantFrom(...fitting));
}

function headersPart(
  target: FuzzTarget,
  valid: boolean,
  options: GenerationOptions,
): fc.Arbitrary<Parts['headers']> {
  const parameters = parametersIn(target, 'header');
  const model: Record<string, fc.Arbitrary<Tagged<string | undefined>>> = {};
  for (const parameter of parameters) {
    const schema = parameter.schema ?? { type: 'string' };
    const value = headerValue(schema, options.examples?.(parameter.name) ?? []);
    const good = parameter.required
      ? value.map((v) => tagged<string | undefined>(v))
      : fc.option(value, { nil: undefined }).map((v) => tagged<string | undefined>(v));
    if (valid) {
      model[parameter.name] = good;
      continue;
    }
    const wrong: (string | undefined)[] = ['', '\u00e9\u00e8\u00ea', 'x'.repeat(10_000)];
    if (parameter.required) wrong.push(undefined);
    if ((schema.minLength ?? 0) > 1) wrong.push('x'.repeat(schema.minLength! - 1));
    if (schema.maxLength !== undefined) wrong.push('x'.repeat(schema.maxLength + 1));
    model[parameter.name] = fc.oneof(
      { withCrossShrink: true },
      good,
      fc.constantFrom(...wrong).map((v) => tagged(v, [`header:${parameter.name}`])),
    );
  }
  const extras = valid
    ? fc.constant(tagged<Record<string, string>>({}))
    : fc
        .option(
          fc.constantFrom<Record<string, string>>(
            { accept: 'application/xml' },
            { accept: 'text/html' },
            { 'accept-encoding': 'gzip, br' },
            { origin: 'https://evil.example' },
            { 'x-forwarded-for': '127.0.0.1, ::1' },
            { 'accept-language': '\u00e9'.repeat(300) },
          ),
          { nil: undefined },
        )
        .map((extra) => tagged(extra ?? {}, extra ? ['header:extra'] : []));
  return fc.tuple(fc.record(model), extras).map(([chosen, extra]) => {
    const headers: Record<string, string> = { ...extra.value };
    const broken = [...extra.broken];
    for (const [name, part] of Object.entries(chosen)) {
      if (part.value !== undefined) headers[name] = part.value;
      broken.push(...part.broken);
    }
    return tagged(headers, broken);
  });
}

function jsonBody(value: unknown, rawSurrogates: boolean): Buffer {
  return wtf8(jsonText(value, rawSurrogates));
}

/**
 * A known document whose `id` is replaced by the URL's: the API refuses a body naming another
 * item than its URL, so only then does a PUT get as far as replacing something.
 */
function followPathId(example: unknown, pathValues: Record<string, string>): unknown {
  if (pathValues.id === undefined || example === null || typeof example !== 'object')
    return example;
  if (!('id' in example)) return example;
  return { ...example, id: pathValues.id };
}

function jsonBodyPart(
  json: NonNullable<FuzzTarget['json']>,
  valid: boolean,
  options: GenerationOptions,
  pathValues: Record<string, string>,
): fc.Arbitrary<Tagged<RawBody>> {
  const contentType = fc.constantFrom(
    ...json.contentTypes.flatMap((type) => [type, `${type}; charset=utf-8`]),
  );
  const goodValue =
    json.examples.length > 0
      ? fc.oneof(
          validValue(json.schema, options),
          fc.constantFrom(...json.examples).map((example) => followPathId(example, pathValues)),
        )
      : validValue(json.schema, options);
  const good = fc
    .tuple(goodValue, contentType)
    .map(([value, type]) => tagged<RawBody>({ contentType: type, body: jsonBody(value, false) }));
  if (valid) return good;
  const badValue =
    json.examples.length > 0
      ? fc.oneof(
          invalidValue(json.schema, options),
          fc.constantFrom(...json.examples).chain((example) => mutatedJson(example, options)),
        )
      : invalidValue(json.schema, options);
  const choices: fc.WeightedArbitrary<Tagged<RawBody>>[] = [
    {
      weight: 6,
      arbitrary: fc
        .tuple(badValue, contentType, fc.boolean())
        .map(([value, type, raw]) =>
          tagged<RawBody>({ contentType: type, body: jsonBody(value, raw) }, ['body:value']),
        ),
    },
    {
      // Lone surrogates written as bytes, not \u escapes: the body is not UTF-8.
      weight: 1,
      arbitrary: fc
        .tuple(goodValue, contentType)
        .map(([value, type]) =>
          tagged<RawBody>({ contentType: type, body: jsonBody(value, true) }, ['body:utf-8']),
        ),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.constantFrom(...malformedJson), contentType)
        .map(([text, type]) =>
          tagged<RawBody>({ contentType: type, body: Buffer.isBuffer(text) ? text : wtf8(text) }, [
            'body:malformed',
          ]),
        ),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(goodValue, fc.constantFrom(...wrongJsonContentTypes, undefined))
        .map(([value, type]) =>
          tagged<RawBody>(
            { ...(type ? { contentType: type } : {}), body: jsonBody(value, false) },
            ['body:content-type'],
          ),
        ),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom<RawBody>(
          {},
          { contentType: 'application/json' },
          { contentType: 'application/json', body: Buffer.alloc(0) },
        )
        .map((body) => tagged(body, ['body:absent'])),
    },
    {
      // Just over the 1 MiB body limit: 413, not a crash or a half-read body.
      weight: 1,
      arbitrary: contentType.map((type) =>
        tagged<RawBody>(
          { contentType: type, body: Buffer.from(`{"x":"${'a'.repeat(1024 * 1024)}"}`) },
          ['body:too-large'],
        ),
      ),
    },
  ];
  return fc.oneof({ withCrossShrink: true }, { arbitrary: good, weight: 2 }, ...choices);
}

/** A body sent where the route takes none: it must be ignored or refused, never trusted. */
const strayBody: fc.Arbitrary<Tagged<RawBody>> = fc.oneof(
  { withCrossShrink: true },
  { arbitrary: fc.constant(tagged<RawBody>({})), weight: 3 },
  {
    arbitrary: fc
      .tuple(anyJson(), fc.constantFrom('application/json', 'text/plain'))
      .map(([value, type]) =>
        tagged<RawBody>({ contentType: type, body: jsonBody(value, true) }, ['body:stray']),
      ),
    weight: 1,
  },
);

export interface RequestOptions extends GenerationOptions {
  /** Every part valid by the schema, or each part valid or broken at random. */
  valid: boolean;
}

/** Requests for one target: valid by its schema, or with one or more parts broken. */
export function requestArbitrary(
  target: FuzzTarget,
  options: RequestOptions,
): fc.Arbitrary<FuzzRequest> {
  const { valid } = options;
  const shared = options.examples;
  const own = target.examples ?? {};
  options = {
    ...options,
    examples: (name) => (name !== undefined && own[name]) || shared?.(name) || [],
  };
  const noBody = fc.constant(tagged<RawBody>({}));
  return fc
    .tuple(
      pathPart(target, valid, options),
      queryPart(target, valid, options),
      headersPart(target, valid, options),
      strangeAuthorization,
    )
    .chain(([path, query, headers, authorization]) => {
      const body = target.raw
        ? target.raw(path.value.values, valid)
        : target.json
          ? jsonBodyPart(target.json, valid, options, path.value.values)
          : valid || target.method === 'HEAD'
            ? noBody
            : strayBody;
      return body.map((chosen): FuzzRequest => {
        const requestHeaders = { ...headers.value };
        if (chosen.value.contentType !== undefined) {
          requestHeaders['content-type'] = chosen.value.contentType;
        }
        return {
          method: target.method,
          url: query.value ? `${path.value.text}?${query.value}` : path.value.text,
          headers: requestHeaders,
          ...(chosen.value.body !== undefined ? { payload: chosen.value.body } : {}),
          broken: [...path.broken, ...query.broken, ...headers.broken, ...chosen.broken],
          strangeAuthorization: authorization,
        };
      });
    });
}

export interface TableOptions {
  /** Columns a valid file has: required ones always, optional ones sometimes. */
  required: readonly string[];
  optional: readonly string[];
  /** Cell text for a column in a valid file. */
  cell: (column: string) => fc.Arbitrary<string>;
  csvTypes: readonly string[];
  ndjsonTypes: readonly string[];
  /** Media types whose body is gzip of CSV or NDJSON. */
  gzipTypes?: readonly string[];
  minRows?: number;
  maxRows?: number;
}

function csvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function renderTable(columns: string[], rows: string[][], format: 'csv' | 'ndjson'): string {
  if (format === 'csv') {
    return [columns, ...rows].map((row) => row.map(csvCell).join(',')).join('\n') + '\n';
  }
  return rows
    .map((row) => jsonText(Object.fromEntries(columns.map((column, i) => [column, row[i] ?? '']))))
    .join('\n');
}

/**
 * Uploaded files (imports, results, training sets): CSV, NDJSON or gzip of either, with valid
 * cells, or with one thing wrong: a hostile cell, a missing or unknown column, broken quoting,
 * bytes that are not UTF-8, a wrong media type, nothing at all, a corrupt gzip stream.
 */
export function tableBody(options: TableOptions, valid: boolean): fc.Arbitrary<Tagged<RawBody>> {
  const minRows = options.minRows ?? 1;
  const maxRows = Math.max(options.maxRows ?? 6, minRows);
  const columns = fc
    .subarray([...options.optional])
    .map((optional) => [...options.required, ...optional]);
  const table = columns.chain((cols) =>
    fc
      .array(fc.tuple(...cols.map((column) => options.cell(column))), {
        minLength: minRows,
        maxLength: maxRows,
      })
      .map((rows) => ({ columns: cols, rows: rows as string[][] })),
  );
  const formats: { format: 'csv' | 'ndjson'; type: string; gzip: boolean }[] = [
    ...options.csvTypes.map((type) => ({ format: 'csv' as const, type, gzip: false })),
    ...options.ndjsonTypes.map((type) => ({ format: 'ndjson' as const, type, gzip: false })),
    ...(options.gzipTypes ?? []).flatMap((type) => [
      { format: 'csv' as const, type, gzip: true },
      { format: 'ndjson' as const, type, gzip: true },
    ]),
  ];
  const encode = (text: string, gzip: boolean, rawSurrogates = false) => {
    const bytes = rawSurrogates ? wtf8(text) : Buffer.from(text, 'utf8');
    return gzip ? gzipSync(bytes) : bytes;
  };
  const good = fc.tuple(table, fc.constantFrom(...formats)).map(([t, f]) =>
    tagged<RawBody>({
      contentType: f.type,
      body: encode(renderTable(t.columns, t.rows, f.format), f.gzip),
    }),
  );
  if (valid) return good;
  const hostileCell = fc.oneof(hostileString, fc.constantFrom(...hostileFragments));
  const bad: fc.Arbitrary<Tagged<RawBody>>[] = [
    fc
      .tuple(table, fc.constantFrom(...formats), fc.nat(), fc.nat(), hostileCell, fc.boolean())
      .map(([t, f, row, col, text, raw]) => {
        const rows = t.rows.map((r) => [...r]);
        rows[row % rows.length]![col % t.columns.length] = text;
        return tagged<RawBody>(
          {
            contentType: f.type,
            body: encode(renderTable(t.columns, rows, f.format), f.gzip, raw),
          },
          ['file:cell'],
        );
      }),
    fc.tuple(table, fc.constantFrom(...formats), fc.nat()).map(([t, f, drop]) => {
      const keep = t.columns.map((_c, i) => i).filter((i) => i !== drop % t.columns.length);
      const text = renderTable(
        keep.map((i) => t.columns[i]!),
        t.rows.map((r) => keep.map((i) => r[i]!)),
        f.format,
      );
      return tagged<RawBody>({ contentType: f.type, body: encode(text, f.gzip) }, [
        'file:missing-column',
      ]);
    }),
    fc
      .tuple(
        table,
        fc.constantFrom(...formats),
        fc.oneof(hostileString, fc.constantFrom('extra', 'ID', 'customer_id')),
      )
      .map(([t, f, name]) => {
        const text = renderTable(
          [...t.columns, name],
          t.rows.map((r) => [...r, 'x']),
          f.format,
        );
        return tagged<RawBody>({ contentType: f.type, body: encode(text, f.gzip, true) }, [
          'file:extra-column',
        ]);
      }),
    fc
      .tuple(
        fc.constantFrom<string | Buffer>(
          '',
          '\n',
          '"unterminated,quote\n1,2\n',
          'a,b\n1,2,3,4\n5\n',
          '\ufeffcustomer_id\nC1\n',
          'customer_id\r\nC1\r\n',
          '[1]\n"x"\n{\n',
          'null\n',
          Buffer.from([0xff, 0xfe, 0x00, 0x41, 0x0a]),
          Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x01, 0x02, 0x03]),
          Buffer.from('customer_id\nC\u0000\n'),
        ),
        fc.constantFrom(...formats.map((f) => f.type)),
      )
      .map(([text, type]) =>
        tagged<RawBody>(
          { contentType: type, body: Buffer.isBuffer(text) ? text : Buffer.from(text) },
          ['file:malformed'],
        ),
      ),
    fc
      .tuple(
        table,
        fc.constantFrom('application/json', 'text/plain', 'multipart/form-data', undefined),
      )
      .map(([t, type]) =>
        tagged<RawBody>(
          {
            ...(type ? { contentType: type } : {}),
            body: Buffer.from(renderTable(t.columns, t.rows, 'csv')),
          },
          ['file:content-type'],
        ),
      ),
  ];
  return fc.oneof(
    { withCrossShrink: true },
    { arbitrary: good, weight: 2 },
    ...bad.map((arbitrary) => ({ arbitrary, weight: 1 })),
  );
}

/** A request as a person reads it in a failure report: method, URL, headers, body excerpt. */
export function describeRequest(request: FuzzRequest, authorization?: string): string {
  const body = request.payload;
  const bodyText =
    body === undefined
      ? '(no body)'
      : `${body.length} bytes: ${JSON.stringify(body.subarray(0, 600).toString('utf8'))}${body.length > 600 ? '...' : ''}`;
  const headers = { ...request.headers, ...(authorization ? { authorization } : {}) };
  const url =
    request.url.length > 600
      ? `${request.url.slice(0, 600)}... (${request.url.length} chars)`
      : request.url;
  return [
    `${request.method} ${url}`,
    `headers: ${JSON.stringify(headers, (_k, v: unknown) => (typeof v === 'string' && v.length > 200 ? `${v.slice(0, 200)}... (${v.length} chars)` : v))}`,
    `body: ${bodyText}`,
    `broken: ${request.broken.join(', ') || 'nothing (valid by the schema)'}`,
  ].join('\n');
}
