import type { Principal } from '../tokens/store.ts';
import type { Queryable } from '../db/db.ts';
import { ForbiddenError, NotFoundError } from '../errors.ts';
import { shellWord, teamNames } from './store.ts';

/**
 * Who sees what. Admins see every team. A supervisor sees the team of the agents row that
 * carries their token's agent name (written only by an administrator's contacts import: what a
 * CSR or supervisor posts never sets it), plus every team listed for them in supervisor_teams
 * (PUT /v1/supervisor/teams, admin). A supervisor mapped to no team is refused (403) rather
 * than shown everything.
 */
export interface SupervisorScope {
  role: 'supervisor' | 'admin';
  agentName: string;
  /** Team ids (text); null means every team. */
  teamIds: string[] | null;
}

export async function scopeOf(db: Queryable, principal: Principal): Promise<SupervisorScope> {
  if (principal.role === 'admin') {
    return { role: 'admin', agentName: principal.agentName, teamIds: null };
  }
  if (principal.role !== 'supervisor') {
    throw new ForbiddenError('Forbidden', 'The supervisor workspace needs a supervisor token.');
  }
  const { rows } = await db.query<{ team_id: string }>(
    `SELECT team_id::text FROM agents WHERE name = $1 AND team_id IS NOT NULL
     UNION SELECT team_id::text FROM supervisor_teams WHERE supervisor = $1`,
    [principal.agentName],
  );
  if (rows.length === 0) {
    const known = await teamNames(db);
    const name = shellWord(principal.agentName);
    const fix = known.length
      ? `npx loopdesk token create --role supervisor --name ${name} --team ${shellWord(known[0]!)} ` +
        `(one --team per team they lead; the teams are ${known.join(', ')}). It prints a new ` +
        `token; the teams count for every token of "${principal.agentName}"`
      : 'put an agent in a team first (npx loopdesk token create --role csr --name <agent> ' +
        `--team <team>), then: npx loopdesk token create --role supervisor --name ${name} ` +
        '--team <team>';
    throw new ForbiddenError(
      'No team',
      `The supervisor "${principal.agentName}" is mapped to no team, so there is nothing to ` +
        `show. An administrator fixes it with: ${fix}.`,
    );
  }
  return {
    role: 'supervisor',
    agentName: principal.agentName,
    teamIds: rows.map((r) => r.team_id),
  };
}

/**
 * The team ids a request covers: the scope, narrowed to one team when asked by name.
 * Returns null for "every team".
 */
export async function teamsFor(
  db: Queryable,
  scope: SupervisorScope,
  teamName: string | undefined,
): Promise<string[] | null> {
  if (teamName === undefined || teamName === '') return scope.teamIds;
  const { rows } = await db.query<{ id: string }>('SELECT id::text FROM teams WHERE name = $1', [
    teamName,
  ]);
  const team = rows[0];
  if (!team) throw new NotFoundError('Unknown team', `No team is named "${teamName}".`);
  if (scope.teamIds !== null && !scope.teamIds.includes(team.id)) {
    throw new ForbiddenError('Forbidden', `The team "${teamName}" is not one of yours.`);
  }
  return [team.id];
}
