import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app.ts';
import { createToken, type Role } from '../tokens/store.ts';
import { readConfig, type ServerConfig } from '../config.ts';
import type { Db } from '../db/db.ts';
import type { ImportKind } from '../imports/rows.ts';
import { runImport } from '../imports/run.ts';

export function testConfig(overrides: Partial<ServerConfig> = {}): ServerConfig {
  return { ...readConfig({}), ...overrides };
}

export async function appWithTokens(db: Db, overrides: Partial<ServerConfig> = {}) {
  const config = testConfig(overrides);
  const app: FastifyInstance = await buildApp({ db, config });
  const tokens = {} as Record<Role, string>;
  for (const role of ['csr', 'supervisor', 'admin'] as const) {
    tokens[role] = (
      await createToken(db, { role, agentName: `test-${role}`, actor: 'test' })
    ).token;
  }
  const auth = (role: Role) => ({ authorization: `Bearer ${tokens[role]}` });
  return { app, config, tokens, auth };
}

export async function importText(db: Db, kind: ImportKind, text: string) {
  return runImport(db, kind, Readable.from([Buffer.from(text)]), {
    settings: { phoneRegion: 'US', defaultCurrency: 'USD' },
    actor: 'test',
  });
}
