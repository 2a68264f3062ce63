import { describe, expect, it } from 'vitest';
import { readConfig } from '../config.ts';
import type { Db } from '../db/db.ts';
import { importText, appWithTokens } from '../testing/app-harness.ts';
import { testDatabases } from '../testing/databases.ts';
import { seedCatalogue } from './seed-catalogue.ts';
import { saveSettings } from './config-store.ts';

const [pglite] = testDatabases();

/** What a CSR sees of each of `count` insights requests: control group or the actions, in order. */
async function decisionsSeen(seed: number | null, count: number): Promise<string[]> {
  const db: Db = await pglite!.open();
  try {
    await seedCatalogue(db);
    // A quarter of decisions in the control group, so a sequence of 30 mixes both kinds.
    await saveSettings(db, { controlShare: 0.25 }, 'test');
    await importText(
      db,
      'customers',
      [
        'customer_id,name,email,since,contract',
        ...Array.from(
          { length: 30 },
          (_, i) => `S${i},Seed ${i},s${i}@example.com,2023-01-01,Month-to-month`,
        ),
      ].join('\n'),
    );
    const { app, auth } = await appWithTokens(db, { decisionSeed: seed });
    const seen: string[] = [];
    for (let i = 0; i < count; i++) {
      const answer = await app.inject({
        method: 'GET',
        url: `/v1/insights?email=s${i}@example.com`,
        headers: auth('csr'),
      });
      expect(answer.statusCode).toBe(200);
      const body = answer.json<{
        decision: { controlGroup: boolean };
        nextBestActions: { treatmentId: string }[];
      }>();
      seen.push(
        body.decision.controlGroup
          ? 'control'
          : body.nextBestActions.map((action) => action.treatmentId).join(','),
      );
    }
    await app.close();
    return seen;
  } finally {
    await db.close();
  }
}

describe('LOOPDESK_DECISION_SEED', () => {
  it('is read as a whole number from 1 to 2^32 - 1, and refused otherwise with its name', () => {
    expect(readConfig({}).decisionSeed).toBeNull();
    expect(readConfig({ LOOPDESK_DECISION_SEED: '42' }).decisionSeed).toBe(42);
    for (const bad of ['0', '-3', '1.5', 'seven', String(2 ** 32)]) {
      expect(() => readConfig({ LOOPDESK_DECISION_SEED: bad })).toThrow(
        new RegExp(`LOOPDESK_DECISION_SEED.*"${bad.replace('.', '\\.')}"`),
      );
    }
  });

  it('makes the engine repeat its control-group split and its choices, start after start', async () => {
    const first = await decisionsSeen(42, 30);
    expect(await decisionsSeen(42, 30)).toEqual(first);
    expect(first).toContain('control');
    expect(first.some((seen) => seen !== 'control')).toBe(true);
    // Another seed splits otherwise: the seed, not the data, decides the sequence.
    expect(await decisionsSeen(43, 30)).not.toEqual(first);
  });
});
