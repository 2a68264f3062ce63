import { readFile, writeFile } from 'node:fs/promises';
import { createToken, findPrincipal, type Role } from '../tokens/store.ts';
import type { Db } from '../db/db.ts';
import { setAgentTeam } from '../teams/store.ts';

export const demoCsrName = 'Demo CSR';
export const demoSupervisorName = 'Demo Supervisor';
/** The demo CSR's team when it has none: one of the demo seed's teams, made if missing. */
const preferredTeam = 'Support';

export interface StartTokens {
  csr: string;
  supervisor: string;
  /** The demo CSR's team, which the demo supervisor oversees with every other team. */
  csrTeam: string;
}

/**
 * The CSR and supervisor tokens `npm start` prints, kept the same across restarts (in `file`,
 * mode 0600, for this machine only). The CSR is put in a team and the supervisor oversees
 * every team, so what the CSR records shows in the supervisor workspace. Runs at every start,
 * which also mends tokens printed by earlier versions (a CSR in no team).
 */
export async function demoStartTokens(db: Db, file: string): Promise<StartTokens> {
  let saved: Partial<Record<Role, string>> = {};
  try {
    saved = JSON.parse(await readFile(file, 'utf8')) as typeof saved;
  } catch {
    // First start: no tokens yet.
  }
  const tokens = {} as Record<'csr' | 'supervisor', string>;
  for (const [role, agentName] of [
    ['csr', demoCsrName],
    ['supervisor', demoSupervisorName],
  ] as const) {
    const existing = saved[role];
    const valid = existing ? (await findPrincipal(db, existing))?.role === role : false;
    tokens[role] = valid
      ? existing!
      : (await createToken(db, { role, agentName, actor: 'npm-start' })).token;
  }
  await writeFile(file, JSON.stringify(tokens, null, 2), { mode: 0o600 });

  const csrTeam = await db.transaction(async (tx) => {
    const { rows } = await tx.query<{ team: string | null; first: string | null }>(
      `SELECT (SELECT t.name FROM agents a JOIN teams t ON t.id = a.team_id WHERE a.name = $1) AS team,
         (SELECT name FROM teams ORDER BY name = $2 DESC, name LIMIT 1) AS first`,
      [demoCsrName, preferredTeam],
    );
    const current = rows[0]?.team;
    if (current) return current;
    const team = rows[0]?.first ?? preferredTeam;
    await setAgentTeam(tx, { agent: demoCsrName, team, actor: 'npm-start' });
    return team;
  });
  // Added to, never replaced: an administrator may have given the supervisor teams of their own.
  await db.query(
    `INSERT INTO supervisor_teams (supervisor, team_id)
     SELECT $1, id FROM teams ON CONFLICT DO NOTHING`,
    [demoSupervisorName],
  );
  return { ...tokens, csrTeam };
}
