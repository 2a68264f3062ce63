import { gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemSchema } from '../../contract/index.ts';
import type { Db } from '../db/db.ts';
import { appWithTokens } from '../testing/app-harness.ts';
import { testDatabases } from '../testing/databases.ts';

describe.each(testDatabases())('the outcome results file on $name', (target) => {
  let db: Db;
  let app: FastifyInstance;
  let headers: Record<string, string>;
  let decisions: string[];
  beforeAll(async () => {
    db = await target.open();
    const harness = await appWithTokens(db);
    app = harness.app;
    headers = harness.auth('admin');
    const { rows } = await db.query<{ id: string }>(
      `WITH c AS (INSERT INTO customers (customer_id) VALUES ('R1') RETURNING id)
       INSERT INTO decisions (customer_id, agent) SELECT id, 'a' FROM c, generate_series(1, 3)
       RETURNING id::text AS id`,
    );
    decisions = rows.map((row) => row.id);
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  const stored = async () =>
    (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM outcome_results')).rows[0]!.n;
  const post = (payload: string | Buffer, type = 'text/csv') =>
    app.inject({
      method: 'POST',
      url: '/v1/outcomes/results',
      headers: { ...headers, 'content-type': type },
      payload,
    });
  const refused = async (payload: string | Buffer, type = 'text/csv') => {
    const before = await stored();
    const response = await post(payload, type);
    expect(response.statusCode).toBe(422);
    expect(await stored()).toBe(before);
    return problemSchema.parse(response.json()).errors ?? [];
  };

  it('imports a good file, and trims cells', async () => {
    const response = await post(`decision_id,kind,amount\n ${decisions[0]} ,converted, 12.5 \n`);
    expect(response.json()).toEqual({ rows: 1 });
  });

  it('refuses the same (decision, kind) twice, naming both lines', async () => {
    const d = decisions[1]!;
    expect(
      await refused(`decision_id,kind\n${d},converted\n${d},retained_90d\n${d},converted\n`),
    ).toEqual([
      {
        line: 4,
        column: 'kind',
        message: `decision_id "${d}" with kind "converted" appears on lines 2 and 4`,
      },
    ]);
  });

  it('refuses an empty file and a file with only a header', async () => {
    for (const [payload, type] of [
      ['', 'text/csv'],
      ['decision_id,kind,amount\n', 'text/csv'],
      ['\n', 'application/x-ndjson'],
    ] as const) {
      const errors = await refused(payload, type);
      expect(errors).toHaveLength(1);
      expect(errors[0]!.message).toMatch(/^the file has no rows/);
    }
  });

  it('refuses bytes that are not UTF-8, NUL, duplicate columns and duplicate keys', async () => {
    const d = decisions[2]!;
    const latin1 = Buffer.concat([
      Buffer.from(`decision_id,kind,amount\n${d},converted,1\n${d},retained_90d,`),
      Buffer.from([0xa3, 0x35]),
      Buffer.from('\n'),
    ]);
    expect(await refused(latin1)).toEqual([
      { line: 3, column: 'amount', message: expect.stringMatching(/not valid UTF-8/) },
    ]);
    expect(await refused(`decision_id,kind\n${d},conv\u0000erted\n`)).toEqual([
      { line: 2, column: 'kind', message: expect.stringMatching(/NUL/) },
    ]);
    expect(await refused(`decision_id,kind,kind\n${d},converted,converted\n`)).toEqual([
      { line: 1, message: expect.stringContaining('column "kind" appears twice') },
    ]);
    expect(
      await refused(
        `{"decision_id":"${d}","kind":"converted","kind":"retained_90d"}\n`,
        'application/x-ndjson',
      ),
    ).toEqual([{ line: 1, column: 'kind', message: 'key "kind" appears twice in this object' }]);
  });

  it('caps cells at 64 KiB and names the request body when gzip is broken', async () => {
    const d = decisions[2]!;
    expect(
      await refused(`decision_id,kind,amount\n${d},converted,${'1'.repeat(70_000)}\n`),
    ).toEqual([{ line: 2, column: 'amount', message: expect.stringContaining('64 KiB') }]);
    const gz = gzipSync(`decision_id,kind\n${d},converted\n`);
    const errors = await refused(gz.subarray(0, gz.length - 4));
    expect(errors.at(-1)!.message).toMatch(/^the request body is not valid gzip/);
  });
});
