import { createHash, randomBytes } from 'node:crypto';
import { audit } from '../audit.ts';
import type { Db, Queryable } from '../db/db.ts';

export const roles = ['csr', 'supervisor', 'admin'] as const;
export type Role = (typeof roles)[number];
const roleRank: Record<Role, number> = { csr: 0, supervisor: 1, admin: 2 };

export function roleAllows(held: Role, required: Role): boolean {
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
}

export async function createToken(
  db: Db,
  input: { role: Role; agentName: string; actor: string },
): Promise<CreatedToken> {
  const agentName = input.agentName.trim();
  if (!agentName) throw new Error('A token needs an agent name');
  const token = `ld_${input.role}_${randomBytes(24).toString('base64url')}`;
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
  });
  return { token, role: input.role, agentName };
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

/**
 * Token lookups sit on every request; a short cache keeps them off the database. A revoked
 * token therefore stays usable for at most `ttlMs`.
 */
export function cachedPrincipalLookup(db: Queryable, ttlMs = 30_000) {
  const cache = new Map<string, { principal: Principal | null; expires: number }>();
  return async (token: string): Promise<Principal | null> => {
    const now = Date.now();
    const hit = cache.get(token);
    if (hit && hit.expires > now) return hit.principal;
    const principal = await findPrincipal(db, token);
    if (cache.size > 10_000) cache.clear();
    // Unknown tokens are cached briefly only, so a token created a moment ago works at once.
    cache.set(token, { principal, expires: now + (principal ? ttlMs : 1_000) });
    return principal;
  };
}
