import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemSchema, type Problem } from '../../contract/index.ts';
import type { Db } from '../db/db.ts';
import { appWithTokens } from '../testing/app-harness.ts';
import { testDatabases } from '../testing/databases.ts';

// Through a real listening server: a rejected file must come back as a 422 on a connection that
// is still usable, and the process must live on to answer the next request.
describe.each(testDatabases())('imports through a listening server on $name', (target) => {
  let db: Db;
  let app: FastifyInstance;
  let url: string;
  let headers: Record<string, string>;
  beforeAll(async () => {
    db = await target.open();
    const harness = await appWithTokens(db);
    app = harness.app;
    headers = harness.auth('admin');
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  const post = async (kind: string, body: string | Buffer, type: string) => {
    const response = await fetch(`${url}/v1/imports/${kind}`, {
      method: 'POST',
      headers: { ...headers, 'content-type': type },
      body: typeof body === 'string' ? body : new Uint8Array(body),
    });
    return { status: response.status, type: response.headers.get('content-type'), response };
  };
  const problemOf = async (response: Response): Promise<Problem> =>
    problemSchema.parse(await response.json());
  const healthy = async () => (await fetch(`${url}/healthz`)).status;
  const customers = async () =>
    (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM customers')).rows[0]!.n;

  it('answers a bad NDJSON line with a 422 naming the line, and stays up', async () => {
    const before = await customers();
    const { status, type, response } = await post(
      'customers',
      '{"customer_id":"x1"}\n{oops\n',
      'application/x-ndjson',
    );
    expect(status).toBe(422);
    expect(type).toContain('application/problem+json');
    const problem = await problemOf(response);
    expect(problem.errors).toEqual([
      expect.objectContaining({ line: 2, message: expect.stringMatching(/not valid JSON/) }),
    ]);
    expect(await healthy()).toBe(200);
    expect(await customers()).toBe(before);
  });

  it('answers a bad CSV header with a 422 on line 1 instead of resetting the connection', async () => {
    const { status, response } = await post('customers', 'nonsense_col\n1\n', 'text/csv');
    expect(status).toBe(422);
    const problem = await problemOf(response);
    expect(problem.errors).toEqual([
      expect.objectContaining({
        line: 1,
        message: expect.stringContaining('missing column(s): customer_id'),
      }),
    ]);
    expect(await healthy()).toBe(200);
  });

  it('reads a large body to its end after a wrong column count and keeps the connection', async () => {
    // Several megabytes after the bad row: the server decides long before the body has arrived.
    const lines = ['customer_id,name', 'A1,Ann', 'A2,Bob,extra'];
    for (let i = 0; i < 300_000; i += 1) lines.push(`B${i},Name ${i}`);
    const body = Buffer.from(lines.join('\n'));
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const request = (path: string, method: string, payload?: Buffer, type?: string) =>
      new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = http.request(
          `${url}${path}`,
          {
            method,
            agent,
            headers: { ...headers, ...(type ? { 'content-type': type } : {}) },
          },
          (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => (text += chunk));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(payload);
      });
    let connections = 0;
    const countConnection = () => (connections += 1);
    app.server.on('connection', countConnection);
    try {
      const rejected = await request('/v1/imports/customers', 'POST', body, 'text/csv');
      expect(rejected.status).toBe(422);
      const problem = problemSchema.parse(JSON.parse(rejected.text));
      expect(problem.errors).toEqual([
        expect.objectContaining({
          line: 3,
          message: 'the row has 3 cells but the header has 2 columns',
        }),
      ]);
      // The same connection answers the next request: the body was not destroyed under the reply.
      const next = await request('/healthz', 'GET');
      expect(next.status).toBe(200);
      expect(connections).toBe(1);
    } finally {
      app.server.off('connection', countConnection);
      agent.destroy();
    }
    expect(await customers()).toBe(0);
  });

  it('imports agents, and answers a bad platform with a 422 naming line and column', async () => {
    const csv = 'agent,team,telephony_user_id,platform\nharper,Support,U-1,aircall\n';
    const imported = await post('agents', csv, 'text/csv');
    expect(imported.status).toBe(200);
    expect(await imported.response.json()).toMatchObject({ kind: 'agents', rows: 1, inserted: 1 });
    const refused = await post(
      'agents',
      '{"agent":"grace","telephony_user_id":"U-1","platform":"Air Call"}\n',
      'application/x-ndjson',
    );
    expect(refused.status).toBe(422);
    expect((await problemOf(refused.response)).errors).toEqual([
      expect.objectContaining({ line: 1, column: 'platform' }),
    ]);
    const { rows } = await db.query<{ agent: string }>(
      `SELECT a.name AS agent FROM agent_telephony_ids m JOIN agents a ON a.id = m.agent_id
       WHERE m.platform = 'aircall' AND m.value = 'U-1'`,
    );
    expect(rows).toEqual([{ agent: 'harper' }]);
  });

  it('names the request body when it is not valid gzip, and refuses an empty body', async () => {
    const gz = gzipSync('customer_id\nG1\nG2\n');
    const truncated = await post('customers', gz.subarray(0, gz.length - 6), 'application/gzip');
    expect(truncated.status).toBe(422);
    expect((await problemOf(truncated.response)).errors).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/^the request body is not valid gzip/),
      }),
    ]);
    const empty = await post('customers', '', 'text/csv');
    expect(empty.status).toBe(422);
    expect((await problemOf(empty.response)).errors![0]!.message).toMatch(/no rows/);
    expect(await healthy()).toBe(200);
  });
});
