import { createHash, randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { audit } from '../audit/store.ts';
import type { Db, Queryable } from '../db/db.ts';
import { InvalidInputError } from '../errors.ts';
import { setAgentTeam, setSupervisorTeams } from '../teams/store.ts';

export const roles = ['csr', 'supervisor', 'admin', 'integration'] as const;
export type Role = (typeof roles)[number];
type PersonRole = Exclude<Role, 'integration'>;
const roleRank: Record<PersonRole, number> = { csr: 0, supervisor: 1, admin: 2 };

/**
 * People's roles nest (an admin may do what a supervisor may, a supervisor what a CSR may). An
 * integration (a telephony system posting calls) is apart: it may post calls and nothing else,
 * and only it and an admin may post them.
 */
export function roleAllows(held: Role, required: Role): boolean {
  if (required === 'integration') return held === 'integration' || held === 'admin';
  if (held === 'integration') return false;
  return roleRank[held] >= roleRank[required];
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export interface Principal {
  role: Role;
  agentName: string;
  tokenHash: string;
}

export interface CreatedToken {
  token: string;
  role: Role;
  agentName: string;
  /** The agent's team (csr) or the teams the supervisor sees, when the token set them. */
  teams?: string[];
  /** Teams that did not exist before this token named them. */
  teamsCreated?: string[];
}

/**
 * Issues a token; `teams` also puts a CSR in that team or sets the teams a supervisor sees
 * (replacing their list), in the same transaction: a refused team leaves no token behind.
 */
export async function createToken(
  db: Db,
  input: { role: Role; agentName: string; actor: string; teams?: string[] },
): Promise<CreatedToken> {
  const agentName = input.agentName.trim();
  if (!agentName) throw new Error('A token needs an agent name');
  const teams = [...new Set((input.teams ?? []).map((team) => team.trim()))];
  if (teams.some((team) => !team)) {
    throw new InvalidInputError('Bad Request', 'A team needs a name.');
  }
  if (teams.length && input.role === 'admin') {
    throw new InvalidInputError(
      'Bad Request',
      'An admin sees every team; give teams only to a csr or a supervisor.',
    );
  }
  if (teams.length && input.role === 'integration') {
    throw new InvalidInputError(
      'Bad Request',
      'An integration posts calls for agents of every team; give teams only to a csr or a supervisor.',
    );
  }
  if (teams.length > 1 && input.role === 'csr') {
    throw new InvalidInputError(
      'Bad Request',
      `An agent is in one team; ${teams.map((t) => `"${t}"`).join(' and ')} are ${teams.length}.`,
    );
  }
  const token = `ld_${input.role}_${randomBytes(24).toString('base64url')}`;
  const created: CreatedToken = { token, role: input.role, agentName };
  await db.transaction(async (tx) => {
    await tx.query('INSERT INTO tokens (token_hash, role, agent_name) VALUES ($1, $2, $3)', [
      hashToken(token),
      input.role,
      agentName,
    ]);
    await audit(tx, {
      actor: input.actor,
      action: 'token.create',
      target: agentName,
      details: { role: input.role },
    });
    if (!teams.length) return;
    if (input.role === 'csr') {
      const placed = await setAgentTeam(tx, {
        agent: agentName,
        team: teams[0]!,
        actor: input.actor,
      });
      created.teams = [placed.team];
      created.teamsCreated = placed.teamCreated ? [placed.team] : [];
    } else {
      created.teams = await setSupervisorTeams(tx, {
        supervisor: agentName,
        teams,
        actor: input.actor,
      });
      created.teamsCreated = [];
    }
  });
  return created;
}

export async function findPrincipal(db: Queryable, token: string): Promise<Principal | null> {
  const tokenHash = hashToken(token);
  const { rows } = await db.query<{ role: Role; agent_name: string }>(
    'SELECT role, agent_name FROM tokens WHERE token_hash = $1 AND revoked_at IS NULL',
    [tokenHash],
  );
  const row = rows[0];
  return row ? { role: row.role, agentName: row.agent_name, tokenHash } : null;
}

export interface TokenInfo {
  id: string;
  role: Role;
  agentName: string;
  createdAt: string;
  revokedAt: string | null;
}

interface TokenRow {
  id: string;
  role: Role;
  agent_name: string;
  created_at: Date | string;
  revoked_at: Date | string | null;
}

const tokenColumns = 'id::text AS id, role, agent_name, created_at, revoked_at';

function tokenInfo(row: TokenRow): TokenInfo {
  return {
    id: row.id,
    role: row.role,
    agentName: row.agent_name,
    createdAt: new Date(row.created_at).toISOString(),
    revokedAt: row.revoked_at === null ? null : new Date(row.revoked_at).toISOString(),
  };
}

/** Tokens as an admin sees them (never the hash), oldest first. */
export async function listTokens(
  db: Queryable,
  filter: { agentName?: string; includeRevoked?: boolean } = {},
): Promise<TokenInfo[]> {
  const { rows } = await db.query<TokenRow>(
    `SELECT ${tokenColumns} FROM tokens
     WHERE ($1::text IS NULL OR agent_name = $1) AND ($2 OR revoked_at IS NULL)
     ORDER BY id`,
    [filter.agentName ?? null, filter.includeRevoked ?? false],
  );
  return rows.map(tokenInfo);
}

export type TokenSelector = { id: string } | { agentName: string };

/**
 * Revokes one token (by id) or every active token of an agent; each revocation is audited.
 * Returns the tokens revoked now; a token revoked earlier is left as it was and not returned.
 */
export async function revokeTokens(
  db: Queryable,
  selector: TokenSelector,
  actor: string,
): Promise<TokenInfo[]> {
  const byId = 'id' in selector;
  const { rows } = await db.query<TokenRow>(
    `WITH revoked AS (
       UPDATE tokens SET revoked_at = now()
       WHERE revoked_at IS NULL AND ${byId ? 'id = $1::bigint' : 'agent_name = $1'}
       RETURNING ${tokenColumns}),
     audited AS (
       INSERT INTO audit_log (actor, action, target, details)
       SELECT $2, 'token.revoke', agent_name, jsonb_build_object('tokenId', id, 'role', role)
       FROM revoked)
     SELECT * FROM revoked ORDER BY id::bigint`,
    [byId ? selector.id : selector.agentName, actor],
  );
  return rows.map(tokenInfo);
}

/** Revokes one token by id: `revoked` now, `already` revoked before (unchanged) or `unknown`. */
export async function revokeToken(
  db: Queryable,
  id: string,
  actor: string,
): Promise<
  { status: 'revoked' | 'already'; token: TokenInfo } | { status: 'unknown'; token: null }
> {
  const [revoked] = await revokeTokens(db, { id }, actor);
  if (revoked) return { status: 'revoked', token: revoked };
  const { rows } = await db.query<TokenRow>(
    `SELECT ${tokenColumns} FROM tokens WHERE id = $1::bigint`,
    [id],
  );
  return rows[0]
    ? { status: 'already', token: tokenInfo(rows[0]) }
    : { status: 'unknown', token: null };
}

/**
 * Token lookups sit on every request; a short cache keeps them off the database. A token
 * revoked through this server stops working at once (`clear`); one revoked through another
 * server sharing the database stays usable for at most `ttlMs`.
 */
export class PrincipalCache {
  // Least recently used entries go first, so a flood of unknown tokens cannot flush the good ones.
  private readonly entries = new LRUCache<string, { principal: Principal | null }>({
    max: 10_000,
  });
  /** Moves on at every `clear`, so a lookup that began before one does not cache its answer. */
  private generation = 0;

  constructor(
    private readonly db: Queryable,
    private readonly ttlMs = 5_000,
  ) {}

  async lookup(token: string): Promise<Principal | null> {
    const hit = this.entries.get(token);
    if (hit) return hit.principal;
    const generation = this.generation;
    const principal = await findPrincipal(this.db, token);
    if (generation !== this.generation) return principal;
    // Unknown tokens are cached briefly only, so a token created a moment ago works at once.
    this.entries.set(token, { principal }, { ttl: principal ? this.ttlMs : 1_000 });
    return principal;
  }

  clear(): void {
    this.entries.clear();
    this.generation += 1;
  }
}
