import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db/db.ts';
import { decisionUuid, seedKpiFixture } from '../testing/kpi-fixture.ts';
import { testDatabases } from '../testing/databases.ts';
import { searchNotes } from './notes.ts';

/*
 * Notes in the KPI fixture: D2 (K1 Kim One, ann) "wants a cheaper plan", D3 (K2 Kit Two, bob)
 * "happy with the second line", D4 (K3 Kai Three, cy) "50%_off would do it". Added here: two
 * more on D1 (K1, ann) about discounts.
 */
describe.each(testDatabases())('CSR note search on $name', (target) => {
  let db: Db;
  const search = async (q: string) =>
    (await searchNotes(db, { q, teamIds: null, limit: 50 })).map((n) => n.note);

  beforeAll(async () => {
    db = await target.open();
    await seedKpiFixture(db);
    const notes = [
      ['n1', 'Asked about a discount for next year', '2025-03-03T10:09:00Z'],
      [
        'n2',
        'Discounts, discounts: compared our discount with a rival discounted offer',
        '2025-03-03T10:08:00Z',
      ],
    ];
    for (const [key, note, at] of notes) {
      await db.query(
        `INSERT INTO outcomes (decision_id, treatment_key, agent, result, note, idempotency_key, occurred_at)
         VALUES ($1, 'ret', 'ann', 'offered', $2, $3, $4)`,
        [decisionUuid('D1'), note, key, at],
      );
    }
  }, 180_000);
  afterAll(async () => db?.close());

  it('matches word forms and ranks the note most about it first, before newer ones', async () => {
    // "discounts" stems to "discount": n2 says it four times, n1 (one minute newer) once.
    expect(await search('discounts')).toEqual([
      'Discounts, discounts: compared our discount with a rival discounted offer',
      'Asked about a discount for next year',
    ]);
    // Stop words alone find nothing by full text, and no note contains the phrase literally.
    expect(await search('the and of')).toEqual([]);
  });

  it('understands web-search syntax: phrases and exclusions', async () => {
    expect(await search('"second line"')).toEqual(['happy with the second line']);
    expect(await search('"line second"')).toEqual([]);
    expect(await search('discount -rival')).toEqual(['Asked about a discount for next year']);
  });

  it("finds a customer's notes by their exact id", async () => {
    const rows = await searchNotes(db, { q: 'K3', teamIds: null, limit: 50 });
    expect(rows).toEqual([
      expect.objectContaining({ customerId: 'K3', note: '50%_off would do it', agent: 'cy' }),
    ]);
  });

  it('falls back to a literal substring when full text finds nothing', async () => {
    // "cheap" is not a word of "wants a cheaper plan" to the stemmer, but is a substring.
    expect(await search('cheap')).toEqual(['wants a cheaper plan']);
    // Part of a customer's name, and characters the parser drops.
    expect(await search('Kai Th')).toEqual(['50%_off would do it']);
    expect(await search('%_off')).toEqual(['50%_off would do it']);
    expect(await search('nothing like this')).toEqual([]);
  });

  it('keeps to the teams in scope', async () => {
    const { rows } = await db.query<{ id: string }>(
      `SELECT id::text FROM teams WHERE name = 'Beta'`,
    );
    const beta = await searchNotes(db, { q: 'discount', teamIds: [rows[0]!.id], limit: 50 });
    expect(beta).toEqual([]);
  });

  it('keeps to the period', async () => {
    // n1 at 10:09, n2 at 10:08 on 2025-03-03: only n1 is at or after 10:09.
    const rows = await searchNotes(db, {
      q: 'discount',
      teamIds: null,
      from: new Date('2025-03-03T10:09:00Z'),
      to: new Date('2025-03-04T00:00:00Z'),
      limit: 50,
    });
    expect(rows.map((n) => n.note)).toEqual(['Asked about a discount for next year']);
  });

  it('finds notes as outcomes are recorded, edited or deleted (outcome_notes, migration 050)', async () => {
    await db.query(
      `INSERT INTO outcomes (decision_id, treatment_key, agent, result, note, idempotency_key, occurred_at)
       VALUES ($1, 'xs', 'bob', 'declined', 'prefers a rival carrier', 'n3', '2025-03-10T10:09:00Z')`,
      [decisionUuid('D3')],
    );
    expect(await search('carrier')).toEqual(['prefers a rival carrier']);
    // Edited: the old words no longer match, the new ones do.
    await db.query(`UPDATE outcomes SET note = 'moving abroad' WHERE idempotency_key = 'n3'`);
    expect(await search('carrier')).toEqual([]);
    expect(await search('abroad')).toEqual(['moving abroad']);
    // Note cleared, then the outcome deleted: found by neither path.
    await db.query(`UPDATE outcomes SET note = NULL WHERE idempotency_key = 'n3'`);
    expect(await search('abroad')).toEqual([]);
    await db.query(`UPDATE outcomes SET note = 'moving abroad' WHERE idempotency_key = 'n3'`);
    await db.query(`DELETE FROM outcomes WHERE idempotency_key = 'n3'`);
    expect(await search('abroad')).toEqual([]);
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM outcome_notes');
    // The fixture's three notes and n1, n2.
    expect(rows[0]!.n).toBe(5);
  });
});
