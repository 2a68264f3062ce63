import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insightsSchema, outcomeResponseSchema, problemSchema } from '../../contract/index.ts';
import { createToken, revokeTokens } from '../tokens/store.ts';
import type { Db } from '../db/db.ts';
import { appWithTokens, importText } from '../testing/app-harness.ts';
import { testDatabases } from '../testing/databases.ts';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe.each(testDatabases())('POST /v1/outcomes idempotency on $name', (target) => {
  let db: Db;
  let app: FastifyInstance;
  let csr: string;
  let otherCsr: string;
  let decisionId: string;
  let otherDecisionId: string;

  const declined = () => ({
    decisionId,
    result: 'declined',
    reason: 'too_expensive',
    note: 'price',
    occurredAt: '2025-02-01T10:00:00Z',
  });
  const send = (token: string, key: string, payload: object | string) =>
    app.inject({
      method: 'POST',
      url: '/v1/outcomes',
      headers: { ...bearer(token), 'idempotency-key': key, 'content-type': 'application/json' },
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    });
  const decisionFor = async (email: string, token: string) => {
    const response = await app.inject({
      method: 'GET',
      url: `/v1/insights?email=${email}`,
      headers: bearer(token),
    });
    return insightsSchema.parse(response.json()).decision.id;
  };
  const rowsWithKey = async (key: string) =>
    (
      await db.query<{ agent: string; result: string }>(
        'SELECT agent, result FROM outcomes WHERE idempotency_key = $1 ORDER BY agent',
        [key],
      )
    ).rows;

  beforeAll(async () => {
    db = await target.open();
    let tokens;
    ({ app, tokens } = await appWithTokens(db));
    csr = tokens.csr;
    otherCsr = (await createToken(db, { role: 'csr', agentName: 'other-csr', actor: 'test' }))
      .token;
    await importText(
      db,
      'customers',
      'customer_id,name,email\nC1,Ada,ada@example.com\nC2,Bob,bob@example.com\n',
    );
    decisionId = await decisionFor('ada@example.com', csr);
    otherDecisionId = await decisionFor('bob@example.com', csr);
  }, 180_000);
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it('answers a replay of the same body with the first outcome, whatever the order of its keys', async () => {
    const first = await send(csr, 'replay-0001', declined());
    expect(first.statusCode).toBe(201);
    const created = outcomeResponseSchema.parse(first.json());
    const reordered = JSON.stringify(Object.fromEntries(Object.entries(declined()).reverse()));
    expect(reordered.startsWith('{"occurredAt"')).toBe(true);
    const again = await send(csr, 'replay-0001', reordered);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ ...created, duplicate: true });
  });

  it('refuses the same key with another result, note or decision: 422 problem+json naming the key', async () => {
    expect((await send(csr, 'reuse-0001', declined())).statusCode).toBe(201);
    const changes = [
      { ...declined(), result: 'accepted', reason: undefined },
      { ...declined(), note: 'another note' },
      { ...declined(), decisionId: otherDecisionId },
    ];
    for (const changed of changes) {
      const response = await send(csr, 'reuse-0001', changed);
      expect(response.statusCode, JSON.stringify(changed)).toBe(422);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      const problem = problemSchema.parse(response.json());
      expect(problem.status).toBe(422);
      expect(problem.detail).toContain('"reuse-0001"');
    }
    expect(await rowsWithKey('reuse-0001')).toEqual([{ agent: 'test-csr', result: 'declined' }]);
  });

  it("scopes keys to the caller: another CSR's outcome under the same key is stored, not dropped", async () => {
    const mine = outcomeResponseSchema.parse((await send(csr, 'shared-0001', declined())).json());
    const theirs = await send(otherCsr, 'shared-0001', {
      decisionId,
      result: 'accepted',
      occurredAt: '2025-02-01T11:00:00Z',
    });
    expect(theirs.statusCode).toBe(201);
    const stored = outcomeResponseSchema.parse(theirs.json());
    expect(stored.duplicate).toBe(false);
    expect(stored.id).not.toBe(mine.id);
    expect(await rowsWithKey('shared-0001')).toEqual([
      { agent: 'other-csr', result: 'accepted' },
      { agent: 'test-csr', result: 'declined' },
    ]);
    // Each caller's replay still finds their own outcome.
    expect((await send(csr, 'shared-0001', declined())).json()).toEqual({
      ...mine,
      duplicate: true,
    });
  });

  it("recognises a replay sent with the agent's replacement token after a revocation", async () => {
    const laptop = (await createToken(db, { role: 'csr', agentName: 'rotating', actor: 'test' }))
      .token;
    const first = outcomeResponseSchema.parse(
      (await send(laptop, 'rotate-0001', declined())).json(),
    );
    await revokeTokens(db, { agentName: 'rotating' }, 'test');
    const replacement = (
      await createToken(db, { role: 'csr', agentName: 'rotating', actor: 'test' })
    ).token;
    const replay = await send(replacement, 'rotate-0001', declined());
    expect(replay.statusCode).toBe(200);
    expect(replay.json()).toEqual({ ...first, duplicate: true });
  });

  it.runIf(target.name === 'postgres')(
    'answers 409 with Retry-After to a duplicate sent while the first delivery is still in flight',
    async () => {
      // Holding the decision row keeps the first delivery's transaction open at its insert
      // (the foreign key check waits for the row), the way a slow request would.
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let holding!: (pid: number) => void;
      const held = new Promise<number>((resolve) => (holding = resolve));
      const holder = db.transaction(async (tx) => {
        const { rows } = await tx.query<{ pid: number }>(
          'SELECT pg_backend_pid() AS pid FROM decisions WHERE id = $1 FOR UPDATE',
          [decisionId],
        );
        holding(rows[0]!.pid);
        await released;
      });
      const holderPid = await held;
      const first = send(csr, 'inflight-0001', declined());
      try {
        // Blocked by this test's transaction, so no other test file's session can be counted.
        const waiting = async () =>
          (
            await db.query<{ n: number }>(
              `SELECT count(*)::int AS n FROM pg_stat_activity
               WHERE $1::int = ANY(pg_blocking_pids(pid)) AND query LIKE '%INSERT INTO outcomes%'`,
              [holderPid],
            )
          ).rows[0]!.n;
        for (let i = 0; i < 100 && (await waiting()) === 0; i += 1) {
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        expect(await waiting()).toBeGreaterThan(0);
        const second = await Promise.race([
          send(csr, 'inflight-0001', declined()),
          new Promise<'still waiting'>((resolve) =>
            setTimeout(() => resolve('still waiting'), 3000),
          ),
        ]);
        expect(second).not.toBe('still waiting');
        if (second === 'still waiting') return;
        expect(second.statusCode).toBe(409);
        expect(Number(second.headers['retry-after'])).toBeGreaterThan(0);
        expect(problemSchema.parse(second.json()).detail).toContain('"inflight-0001"');
      } finally {
        release();
        await holder;
      }
      const stored = await first;
      expect(stored.statusCode).toBe(201);
      const retried = await send(csr, 'inflight-0001', declined());
      expect(retried.statusCode).toBe(200);
      expect(retried.json()).toEqual({ ...stored.json(), duplicate: true });
    },
    30_000,
  );
});
