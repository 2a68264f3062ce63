import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db/db.ts';
import { RejectedInputError } from '../errors.ts';
import { importResults, parseResults } from '../outcomes/results.ts';
import { testDatabases } from '../testing/databases.ts';
import type { ImportKind } from './rows.ts';
import { ImportRejectedError, runImport, type FileProblem } from './run.ts';

// For every import kind: random malformed files, built by spoiling one thing in an otherwise
// valid file, are rejected whole, each problem names a line (0 only for the whole file), the
// spoiled line is among them, and no table changes.

const runsPerKind = Number(process.env.IMPORT_FUZZ_RUNS ?? 40);
const settings = { phoneRegion: 'US', defaultCurrency: 'USD' };
const tables = [
  'customers',
  'identities',
  'transactions',
  'contacts',
  'outcome_results',
  'agents',
  'teams',
  'agent_telephony_ids',
  'audit_log',
];

type Kind = ImportKind | 'results';
const kinds: Kind[] = ['customers', 'identities', 'transactions', 'contacts', 'agents', 'results'];
type Row = Record<string, string>;

/** Stands for the spot a corruption goes to; generated text never contains it. */
const mark = '\u{E000}';
const markBytes = Buffer.from(mark);

const columns: Record<Kind, string[]> = {
  customers: ['customer_id', 'name', 'email', 'plan'],
  identities: ['customer_id', 'kind', 'value', 'crm', 'object_type'],
  transactions: ['customer_id', 'occurred_at', 'amount', 'order_id', 'currency'],
  contacts: ['contact_id', 'customer_id', 'started_at', 'channel', 'agent', 'csat'],
  agents: ['agent', 'team', 'telephony_user_id', 'telephony_email', 'platform'],
  results: ['decision_id', 'kind', 'amount'],
};

/** Text that is awkward for CSV and UTF-8 alike: separators, quotes, breaks, multi-byte. */
const awkwardText = fc
  .array(fc.constantFrom('a', 'Z', '7', ' ', ',', '"', '\n', '\r\n', 'é', '€', '😀', "'", ';'), {
    maxLength: 10,
  })
  .map((parts) => parts.join(''));
const timestamp = fc
  .date({ min: new Date('2015-01-01'), max: new Date('2025-12-31'), noInvalidDate: true })
  .chain((date) =>
    fc.constantFrom(
      date.toISOString(),
      date.toISOString().slice(0, 10),
      date.toISOString().slice(0, 19),
    ),
  );

function rowArbitrary(kind: Kind, index: number, decisions: string[]): fc.Arbitrary<Row> {
  switch (kind) {
    case 'customers':
      return fc
        .record({ name: awkwardText, plan: awkwardText, email: fc.boolean() })
        .map(({ name, plan, email }) => ({
          customer_id: `C${index}`,
          name: `N${name}`,
          email: email ? `c${index}@example.com` : '',
          plan,
        }));
    case 'identities':
      return fc.boolean().map((record): Row =>
        record
          ? {
              customer_id: `I${index % 3}`,
              kind: 'record',
              value: `R${index}`,
              crm: 'salesforce',
              object_type: 'Contact',
            }
          : { customer_id: `I${index % 3}`, kind: 'email', value: `i${index}@example.com` },
      );
    case 'transactions':
      return fc
        .record({
          occurredAt: timestamp,
          cents: fc.integer({ min: -100_000, max: 100_000 }),
          currency: fc.constantFrom('', 'EUR', 'usd'),
        })
        .map(({ occurredAt, cents, currency }) => ({
          customer_id: `T${index % 4}`,
          occurred_at: occurredAt,
          amount: (cents / 100).toFixed(2),
          order_id: `O${index}`,
          currency,
        }));
    case 'contacts':
      return fc
        .record({
          startedAt: timestamp,
          channel: fc.constantFrom('chat', 'Phone', 'email'),
          agent: awkwardText.map((text) => (text.trim() ? `A${text}` : '')),
          csat: fc.constantFrom('', '1', '5'),
        })
        .map(({ startedAt, channel, agent, csat }) => ({
          contact_id: `K${index}`,
          customer_id: `T${index % 3}`,
          started_at: startedAt,
          channel,
          agent,
          csat,
        }));
    case 'agents':
      return fc
        .record({
          team: awkwardText,
          email: fc.boolean(),
          platform: fc.constantFrom('', 'aircall', 'amazon-connect'),
        })
        .map(({ team, email, platform }) => ({
          agent: `G${index}`,
          team: team.trim() ? `T${team}` : '',
          telephony_user_id: `U-${index}`,
          telephony_email: email ? `G${index}@Example.com` : '',
          platform,
        }));
    case 'results':
      return fc.record({ amount: fc.constantFrom('', '12.50', '-3', '0') }).map(({ amount }) => ({
        decision_id: decisions[index]!,
        kind: index % 2 ? 'converted' : 'retained_90d',
        amount,
      }));
  }
}

const corruptions = [
  'wrong cell count',
  'bad header',
  'duplicate header column',
  'stray quote',
  'unclosed quote',
  'header only',
  'bad JSON line',
  'duplicate key',
  'invalid UTF-8',
  'NUL byte',
  'duplicate id',
  'oversize cell',
  'empty file',
  'truncated gzip',
  'damaged gzip',
] as const;
type Corruption = (typeof corruptions)[number];
const csvOnly: Corruption[] = [
  'wrong cell count',
  'bad header',
  'duplicate header column',
  'stray quote',
  'unclosed quote',
  'header only',
];
const ndjsonOnly: Corruption[] = ['bad JSON line', 'duplicate key'];

const invalidSequences = [
  [0xff],
  [0x80],
  [0xc3, 0x28],
  [0xe2, 0x82],
  [0xed, 0xa0, 0x80],
  [0xc0, 0x80],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
];
const badJsonLines = ['{oops', '{"a":1', '[1,2]', '"text"', '42', 'null', '{"a":1,}', "{'a':1}"];

interface Case {
  kind: Kind;
  format: 'csv' | 'ndjson';
  rows: Row[];
  corruption: Corruption;
  /** Where: a row index, a column index, a size, a variant; each used modulo what fits. */
  at: number;
  column: number;
  variant: number;
  gzip: boolean;
  chunkSize: number;
}

interface Spoiled {
  bytes: Buffer;
  /** A line some reported problem must name, and its column when it has one. */
  line?: number;
  column?: string;
  message?: RegExp;
}

const csvCell = (value: string) =>
  /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
const breaks = (text: string) => text.match(/\r\n|\r|\n/g)?.length ?? 0;

function spoil(c: Case): Spoiled {
  const names = columns[c.kind];
  const rows = c.rows.map((row) => ({ ...row }));
  const at = c.at % rows.length;
  const column = names[c.column % names.length]!;
  const eol = c.variant % 2 ? '\r\n' : '\n';
  const extraLines: { index: number; text: string }[] = [];
  let header = names.join(',');
  let replace: Buffer | null = null;
  let expected: Omit<Spoiled, 'bytes'> = {};

  switch (c.corruption) {
    case 'invalid UTF-8':
    case 'NUL byte':
    case 'oversize cell': {
      const value = rows[at]![column] ?? '';
      const cut = c.variant % (value.length + 1);
      rows[at]![column] = value.slice(0, cut) + mark + value.slice(cut);
      if (c.corruption === 'invalid UTF-8') {
        replace = Buffer.from(invalidSequences[c.variant % invalidSequences.length]!);
      } else if (c.corruption === 'NUL byte') {
        replace =
          c.format === 'ndjson' && c.variant % 3 === 0 ? Buffer.from('\\u0000') : Buffer.from([0]);
      } else {
        replace = Buffer.alloc(c.variant % 4 === 0 ? 2 * 1024 * 1024 : 64 * 1024 + 1, 'x');
      }
      break;
    }
    case 'duplicate id': {
      if (rows.length < 2) rows.push({ ...rows[0]! });
      else rows.splice(at + 1, 0, { ...rows[c.variant % (at + 1)]! });
      break;
    }
    default:
      break;
  }

  const units =
    c.format === 'csv'
      ? rows.map((row) => names.map((name) => csvCell(row[name] ?? '')).join(','))
      : rows.map((row) =>
          JSON.stringify(Object.fromEntries(Object.entries(row).filter(([, v]) => v !== ''))),
        );
  // The position of a row among the file's lines (header first), 1-based.
  const rowAt = (index: number) => index + (c.format === 'csv' ? 2 : 1);

  switch (c.corruption) {
    case 'wrong cell count':
      units[at] += ',extra';
      expected = { line: rowAt(at) };
      break;
    case 'bad header':
      header = names.map((name, i) => (i === 0 ? `${name}_x` : name)).join(',');
      expected = { line: 1, message: /^header: / };
      break;
    case 'duplicate header column':
      header = `${header},${names.at(-1)}`;
      for (let i = 0; i < units.length; i += 1) units[i] += ',';
      expected = { line: 1, message: /appears twice/ };
      break;
    case 'stray quote': {
      const cells = names.map((name) => csvCell(rows[at]![name] ?? ''));
      cells[c.column % cells.length] = 'a"b';
      units[at] = cells.join(',');
      expected = { line: rowAt(at), message: /quote/ };
      break;
    }
    case 'unclosed quote':
      units.push(`"never closed,${names.slice(1).join(',')}`);
      expected = { line: rowAt(units.length - 1), message: /quote/ };
      break;
    case 'bad JSON line':
      extraLines.push({ index: at, text: badJsonLines[c.variant % badJsonLines.length]! });
      break;
    case 'duplicate key': {
      const key = Object.keys(JSON.parse(units[at]!) as object)[c.column % 2] ?? names[0]!;
      units[at] = `${units[at]!.slice(0, -1)},${JSON.stringify(key)}:"again"}`;
      expected = { line: rowAt(at), column: key, message: /appears twice/ };
      break;
    }
    case 'duplicate id':
      expected = { line: rowAt(rows.length < 2 ? 1 : at + 1), message: /appears on lines/ };
      break;
    default:
      break;
  }
  for (const { index, text } of extraLines) {
    units.splice(index, 0, text);
    expected = { line: rowAt(index) };
  }

  const lines = c.format === 'csv' ? [header, ...units] : units;
  // The line the entry at a position starts on: a quoted CSV cell may hold line breaks.
  const startLine = (position: number) => {
    let line = 1;
    for (let i = 0; i < position - 1; i += 1) line += 1 + breaks(lines[i]!);
    return line;
  };
  if (expected.line !== undefined) expected.line = startLine(expected.line);
  let text = lines.join(eol) + (c.variant % 3 ? eol : '');
  if (c.corruption === 'header only') {
    text = header + eol;
    expected = { message: /^the file has no rows/ };
  } else if (c.corruption === 'empty file') {
    text = ['', '\n\n', ` ${eol}`][c.variant % 3]!;
    expected = { message: /^the file has no rows/ };
  }
  let bytes = Buffer.from(text);

  if (replace) {
    const spot = bytes.indexOf(markBytes);
    bytes = Buffer.concat([
      bytes.subarray(0, spot),
      replace,
      bytes.subarray(spot + markBytes.length),
    ]);
    expected = { line: startLine(rowAt(at)), ...(c.format === 'csv' ? { column } : {}) };
  }

  if (c.corruption === 'truncated gzip' || c.corruption === 'damaged gzip') {
    const packed = gzipSync(bytes);
    if (c.corruption === 'truncated gzip') {
      bytes = packed.subarray(0, 2 + (c.variant % (packed.length - 2)));
      expected = { message: /^the file is not valid gzip: / };
    } else {
      // Inside the compressed data (not its last byte, whose padding bits inflate ignores);
      // what the damage turns into is anyone's guess, but the file must still be refused.
      bytes = Buffer.from(packed);
      const spot = 10 + (c.variant % Math.max(1, packed.length - 19));
      bytes[spot] = bytes[spot]! ^ 0xff;
      expected = {};
    }
  } else if (c.gzip) {
    bytes = gzipSync(bytes);
  }
  return { bytes, ...expected };
}

function caseArbitrary(kind: Kind, decisions: string[]): fc.Arbitrary<Case> {
  return fc
    .record({
      format: fc.constantFrom<'csv' | 'ndjson'>('csv', 'ndjson'),
      count: fc.integer({ min: 1, max: kind === 'results' ? Math.min(12, decisions.length) : 12 }),
    })
    .chain(({ format, count }) =>
      fc.record({
        kind: fc.constant(kind),
        format: fc.constant(format),
        rows: fc.tuple(
          ...Array.from({ length: count }, (_, index) => rowArbitrary(kind, index, decisions)),
        ),
        corruption: fc.constantFrom(
          ...corruptions.filter((name) =>
            format === 'csv' ? !ndjsonOnly.includes(name) : !csvOnly.includes(name),
          ),
        ),
        at: fc.nat(),
        column: fc.nat(),
        variant: fc.nat(),
        gzip: fc.boolean(),
        chunkSize: fc.integer({ min: 1, max: 4096 }),
      }),
    );
}

/** The file as chunks of about `size` bytes, so characters and lines fall across chunk ends. */
function chunked(bytes: Buffer, size: number): Readable {
  const step = Math.max(size, Math.ceil(bytes.length / 2_000));
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += step) chunks.push(bytes.subarray(at, at + step));
  return Readable.from(chunks);
}

describe.each(testDatabases())('malformed files on $name', (target) => {
  let db: Db;
  let decisions: string[];
  beforeAll(async () => {
    db = await target.open();
    const { rows } = await db.query<{ id: string }>(
      `WITH c AS (INSERT INTO customers (customer_id) VALUES ('FUZZ') RETURNING id)
       INSERT INTO decisions (customer_id, agent) SELECT id, 'fuzz' FROM c, generate_series(1, 12)
       RETURNING id::text AS id`,
    );
    decisions = rows.map((row) => row.id);
  });
  afterAll(async () => {
    await db?.close();
  });

  const counts = async () =>
    Promise.all(
      tables.map(
        async (table) =>
          (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n,
      ),
    );

  /** The problems a file was rejected with, or null when it was imported. */
  async function importFile(
    kind: Kind,
    format: 'csv' | 'ndjson',
    bytes: Buffer,
    chunkSize: number,
  ): Promise<FileProblem[] | null> {
    try {
      // The format as a client declares it with the content type (the CLI from the file name).
      if (kind === 'results') {
        await importResults(db, await parseResults(bytes, format, 'the file'), 'fuzz');
      } else {
        await runImport(db, kind, chunked(bytes, chunkSize), { settings, actor: 'fuzz', format });
      }
      return null;
    } catch (error) {
      if (error instanceof ImportRejectedError) return error.errors;
      if (error instanceof RejectedInputError) {
        return (error.problems?.errors ?? []).map((problem) => ({
          ...problem,
          line: problem.line ?? -1,
        }));
      }
      throw error;
    }
  }

  it('imports the valid files the generators make', async () => {
    for (const kind of kinds) {
      for (const c of fc.sample(caseArbitrary(kind, decisions), 3)) {
        const names = columns[kind];
        const text =
          c.format === 'csv'
            ? [
                names.join(','),
                ...c.rows.map((row) => names.map((name) => csvCell(row[name] ?? '')).join(',')),
              ].join('\n')
            : c.rows
                .map((row) =>
                  JSON.stringify(
                    Object.fromEntries(Object.entries(row).filter(([, v]) => v !== '')),
                  ),
                )
                .join('\n');
        expect(
          await importFile(kind, c.format, Buffer.from(text), c.chunkSize),
          `${kind} ${c.format}`,
        ).toBeNull();
      }
    }
  });

  it(
    'rejects every malformed file whole, naming a line, and writes nothing',
    { timeout: 300_000 },
    async () => {
      const tally: Record<string, number> = {};
      const perKind: string[] = [];
      for (const kind of kinds) {
        let runs = 0;
        await fc.assert(
          fc.asyncProperty(caseArbitrary(kind, decisions), async (c) => {
            runs += 1;
            tally[c.corruption] = (tally[c.corruption] ?? 0) + 1;
            const spoiled = spoil(c);
            const before = await counts();
            const problems = await importFile(kind, c.format, spoiled.bytes, c.chunkSize);
            expect(problems, 'the file was imported').not.toBeNull();
            expect(problems!.length).toBeGreaterThan(0);
            for (const problem of problems!) {
              expect(
                Number.isInteger(problem.line) && problem.line >= 0,
                JSON.stringify(problem),
              ).toBe(true);
              if (problem.line === 0) expect(problem.message).toMatch(/gzip|no rows/);
            }
            if (spoiled.line !== undefined) {
              expect(problems, `problems naming line ${spoiled.line}`).toEqual(
                expect.arrayContaining([
                  expect.objectContaining({
                    line: spoiled.line,
                    ...(spoiled.column ? { column: spoiled.column } : {}),
                  }),
                ]),
              );
            }
            if (spoiled.message) {
              expect(
                problems!.some((problem) => spoiled.message!.test(problem.message)),
                JSON.stringify(problems),
              ).toBe(true);
            }
            expect(await counts()).toEqual(before);
          }),
          { numRuns: runsPerKind },
        );
        perKind.push(`${kind} ${runs}`);
      }
      const corruptionCounts = Object.entries(tally)
        .map(([name, n]) => `${name} ${n}`)
        .join(', ');
      console.log(
        `import fuzz on ${target.name}: runs per kind: ${perKind.join(', ')}; ` +
          `corruptions: ${corruptionCounts}; every file rejected whole, nothing written`,
      );
    },
  );
});
