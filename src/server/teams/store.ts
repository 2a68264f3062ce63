import { audit } from '../audit/store.ts';
import type { Db, Queryable } from '../db/db.ts';
import { InvalidInputError, NotFoundError } from '../errors.ts';

/** Every team's name, sorted: what an administrator may choose from. */
export async function teamNames(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>('SELECT name FROM teams ORDER BY name');
  return rows.map((row) => row.name);
}

/** The names of these teams (null: every team), sorted. */
export async function teamNamesOf(db: Queryable, teamIds: string[] | null): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT name FROM teams WHERE $1::bigint[] IS NULL OR id = ANY($1::bigint[]) ORDER BY name`,
    [teamIds],
  );
  return rows.map((row) => row.name);
}

/** A name as one shell word, so a printed command can be pasted as it is. */
export function shellWord(value: string): string {
  return /^[A-Za-z0-9_.,:@%+=/-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * Sets the teams a supervisor sees besides their own agents row's team (replacing the list);
 * audited. Every team must exist: a misspelt name would leave the supervisor seeing nothing.
 * Returns the team names, sorted.
 */
export async function setSupervisorTeams(
  tx: Queryable,
  input: { supervisor: string; teams: string[]; actor: string },
): Promise<string[]> {
  const { supervisor, teams, actor } = input;
  const { rows } = await tx.query<{ id: string; name: string }>(
    'SELECT id::text, name FROM teams WHERE name = ANY($1::text[])',
    [teams],
  );
  const missing = teams.filter((name) => !rows.some((r) => r.name === name));
  if (missing.length > 0) {
    const known = await teamNames(tx);
    throw new NotFoundError(
      'Unknown team',
      `No team is named ${missing.map((m) => `"${m}"`).join(', ')}. ` +
        (known.length
          ? `Teams: ${known.join(', ')}.`
          : 'There are no teams yet: put an agent in one first ' +
            '(npx loopdesk token create --role csr --name <agent> --team <team>).'),
    );
  }
  await tx.query('DELETE FROM supervisor_teams WHERE supervisor = $1', [supervisor]);
  await tx.query(
    'INSERT INTO supervisor_teams (supervisor, team_id) SELECT $1, unnest($2::bigint[])',
    [supervisor, rows.map((r) => r.id)],
  );
  await audit(tx, {
    actor,
    action: 'supervisor-teams.set',
    target: supervisor,
    details: { teams },
  });
  return rows.map((r) => r.name).sort();
}

/** setSupervisorTeams in a transaction of its own. */
export function replaceSupervisorTeams(
  db: Db,
  input: { supervisor: string; teams: string[]; actor: string },
): Promise<string[]> {
  return db.transaction((tx) => setSupervisorTeams(tx, input));
}

/**
 * Puts an agent in a team (an agent is in one team; this moves them), creating the team when
 * it is new: an administrator naming a team for an agent is how a team comes to exist outside
 * a contacts import. Audited.
 */
export async function setAgentTeam(
  tx: Queryable,
  input: { agent: string; team: string; actor: string },
): Promise<{ team: string; teamCreated: boolean }> {
  const team = input.team.trim();
  if (!team) throw new InvalidInputError('Bad Request', 'A team needs a name.');
  const created = await tx.query<{ id: string }>(
    'INSERT INTO teams (name) VALUES ($1) ON CONFLICT (name) DO NOTHING RETURNING id::text',
    [team],
  );
  await tx.query(
    `INSERT INTO agents (name, team_id) SELECT $1, id FROM teams WHERE name = $2
     ON CONFLICT (name) DO UPDATE SET team_id = EXCLUDED.team_id`,
    [input.agent, team],
  );
  await audit(tx, {
    actor: input.actor,
    action: 'agent-team.set',
    target: input.agent,
    details: { team, teamCreated: created.rows.length > 0 },
  });
  return { team, teamCreated: created.rows.length > 0 };
}
