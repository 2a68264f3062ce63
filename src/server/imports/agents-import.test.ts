import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordCall } from '../calls/store.ts';
import type { Db } from '../db/db.ts';
import { testDatabases } from '../testing/databases.ts';
import { ImportRejectedError, runImport, type ImportOptions } from './run.ts';

const settings = { phoneRegion: 'US', defaultCurrency: 'USD' };
const fromText = (text: string) => Readable.from([Buffer.from(text)]);

describe.each(testDatabases())('the agents import on $name', (target) => {
  let db: Db;
  beforeAll(async () => {
    db = await target.open();
  });
  afterAll(async () => {
    await db?.close();
  });

  const importAgents = (text: string, options: Partial<ImportOptions> = {}) =>
    runImport(db, 'agents', fromText(text), { settings, actor: 'test', ...options });
  const rejection = async (text: string): Promise<ImportRejectedError> => {
    const before = await snapshot();
    const error = await importAgents(text).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportRejectedError);
    expect(await snapshot()).toEqual(before);
    return error as ImportRejectedError;
  };
  const mappings = async () =>
    (
      await db.query<{ platform: string; value: string; agent: string }>(
        `SELECT m.platform, m.value, a.name AS agent FROM agent_telephony_ids m
         JOIN agents a ON a.id = m.agent_id ORDER BY m.platform, m.value`,
      )
    ).rows;
  const agentTeams = async () =>
    (
      await db.query<{ agent: string; team: string | null }>(
        `SELECT a.name AS agent, t.name AS team FROM agents a LEFT JOIN teams t ON t.id = a.team_id
         ORDER BY a.name`,
      )
    ).rows;
  const snapshot = async () => ({
    mappings: await mappings(),
    agents: await agentTeams(),
    teams: (await db.query('SELECT name FROM teams ORDER BY name')).rows,
    audit: (await db.query('SELECT count(*)::int AS n FROM audit_log')).rows,
  });

  const file = [
    'agent,team,telephony_user_id,telephony_email,platform',
    'harper,Support,U-1,,aircall',
    'harper,,,Harper@Example.COM,',
    'grace,Retention,,grace@example.com,twilio',
    'linus,Support,,,',
    '',
  ].join('\n');

  it('makes agents and teams and maps user ids and emails per platform', async () => {
    const result = await importAgents(file);
    expect(result).toMatchObject({
      kind: 'agents',
      format: 'csv',
      rows: 4,
      inserted: 4,
      updated: 0,
      unchanged: 0,
      customersCreated: 0,
    });
    expect(await agentTeams()).toEqual([
      { agent: 'grace', team: 'Retention' },
      { agent: 'harper', team: 'Support' },
      { agent: 'linus', team: 'Support' },
    ]);
    expect(await mappings()).toEqual([
      { platform: '', value: 'harper@example.com', agent: 'harper' },
      { platform: 'aircall', value: 'U-1', agent: 'harper' },
      { platform: 'twilio', value: 'grace@example.com', agent: 'grace' },
    ]);
    const { rows } = await db.query<{ action: string; details: unknown }>(
      "SELECT action, details FROM audit_log WHERE action = 'import.agents'",
    );
    expect(rows).toEqual([
      { action: 'import.agents', details: expect.objectContaining({ rows: 4, inserted: 4 }) },
    ]);
  });

  it('changes nothing when the same file comes again', async () => {
    const before = await snapshot();
    expect(await importAgents(file)).toMatchObject({
      rows: 4,
      inserted: 0,
      updated: 0,
      unchanged: 4,
    });
    const after = await snapshot();
    expect({ ...after, audit: undefined }).toEqual({ ...before, audit: undefined });
  });

  it('sets the team of an agent already in one, and reads NDJSON', async () => {
    const result = await importAgents(
      ['{"agent":"linus","team":"Escalations"}', '{"agent":"harper","platform":""}'].join('\n'),
    );
    expect(result).toMatchObject({ format: 'ndjson', rows: 2, inserted: 0, updated: 1 });
    expect(await agentTeams()).toEqual([
      { agent: 'grace', team: 'Retention' },
      { agent: 'harper', team: 'Support' },
      { agent: 'linus', team: 'Escalations' },
    ]);
  });

  it('moves a user id or email that named another agent', async () => {
    const result = await importAgents(
      [
        'agent,telephony_user_id,telephony_email,platform',
        'grace,U-1,,aircall',
        'ada,,Harper@example.com,',
      ].join('\n'),
    );
    // ada is new; grace only took U-1 from harper.
    expect(result).toMatchObject({ rows: 2, inserted: 1, updated: 1, unchanged: 0 });
    expect(await mappings()).toEqual([
      { platform: '', value: 'harper@example.com', agent: 'ada' },
      { platform: 'aircall', value: 'U-1', agent: 'grace' },
      { platform: 'twilio', value: 'grace@example.com', agent: 'grace' },
    ]);
    expect(await agentTeams()).toContainEqual({ agent: 'ada', team: null });
  });

  it('refuses a bad email or platform, naming line and column, and writes nothing', async () => {
    const { errors, errorCount } = await rejection(
      [
        'agent,team,telephony_user_id,telephony_email,platform',
        'zoe,Night,Z-1,,aircall',
        'yann,,,not-an-email,',
        'xena,,X-1,,Air Call',
        'wade,,,,twilio',
      ].join('\n'),
    );
    expect(errorCount).toBe(3);
    expect(errors).toEqual([
      { line: 3, column: 'telephony_email', message: '"not-an-email" is not an email address' },
      {
        line: 4,
        column: 'platform',
        message: expect.stringMatching(/^"Air Call" is not a platform name: lower-case letters/),
      },
      {
        line: 5,
        column: 'platform',
        message: 'applies to telephony_user_id and telephony_email, and the row has neither',
      },
    ]);
    expect(await agentTeams()).not.toContainEqual(expect.objectContaining({ agent: 'zoe' }));
  });

  it('refuses an agent twice on one platform, a value for two agents, and two teams', async () => {
    const { errors } = await rejection(
      [
        'agent,team,telephony_user_id,telephony_email,platform',
        'vera,Sales,V-1,,aircall',
        'vera,,V-2,,aircall',
        'walt,,v-9,vera@example.com,',
        'uma,,V-1,,aircall',
        'uma,,,VERA@example.com,',
        'vera,Billing,V-3,,twilio',
        'vera,,,,',
      ].join('\n'),
    );
    expect(errors).toEqual([
      { line: 3, column: 'agent', message: 'agent "vera" on aircall appears on lines 2 and 3' },
      {
        line: 5,
        column: 'telephony_user_id',
        message: 'the telephony id "V-1" on aircall appears on lines 2 and 5',
      },
      {
        line: 6,
        column: 'telephony_email',
        message: 'the telephony id "vera@example.com" on every platform appears on lines 4 and 6',
      },
      {
        line: 7,
        column: 'team',
        message: 'agent "vera" is put in team "Billing" here but in team "Sales" on line 2',
      },
    ]);
  });

  it('maps one value once when a row gives it as both user id and email', async () => {
    expect(
      await importAgents(
        'agent,telephony_user_id,telephony_email\nterry,Terry@Example.com,terry@example.com\n',
      ),
    ).toMatchObject({ rows: 1, inserted: 1 });
    expect(await mappings()).toContainEqual({
      platform: '',
      value: 'terry@example.com',
      agent: 'terry',
    });
  });

  it('counts across batches like one batch', async () => {
    const rows = ['agent,team,telephony_user_id,platform'];
    for (let i = 0; i < 7; i += 1) rows.push(`b${i % 3},Batch,B-${i},p${i}`);
    const text = rows.join('\n');
    expect(await importAgents(text, { batchSize: 2 })).toMatchObject({ rows: 7, inserted: 7 });
    expect(await importAgents(text, { batchSize: 2 })).toMatchObject({ unchanged: 7 });
  });

  it('lets a call a platform posts for an imported user id reach that agent', async () => {
    await importAgents('agent,telephony_user_id,platform\nharper,U-1,aircall\n');
    const recorded = await recordCall(
      db,
      { callId: 'X', agent: 'U-1', platform: 'aircall', from: '+14155550101', state: 'ringing' },
      { phoneRegion: 'US', reporter: { kind: 'integration', name: 't' } },
    );
    expect(recorded.unknownAgent).toBeNull();
    expect(recorded.accepted.agent).toBe('harper');
    const { rows } = await db.query<{ name: string }>(
      `SELECT a.name FROM calls c JOIN agents a ON a.id = c.agent_id
       WHERE c.platform = 'aircall' AND c.call_id = 'X'`,
    );
    expect(rows).toEqual([{ name: 'harper' }]);
  });
});
