import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createToken, findPrincipal, type Role } from './auth/tokens.ts';
import { readConfig } from './config.ts';
import type { Db } from './db/db.ts';
import { closeOnSignals, startServer } from './serve.ts';

/**
 * `npm start`: the embedded database with demo data, and a CSR and a supervisor token that
 * stay the same across restarts (kept beside the database, mode 0600, for this machine only).
 */
type StartTokens = Partial<Record<Role, string>>;

async function demoTokens(db: Db, file: string): Promise<Record<'csr' | 'supervisor', string>> {
  let saved: StartTokens = {};
  try {
    saved = JSON.parse(await readFile(file, 'utf8')) as StartTokens;
  } catch {
    // First start: no tokens yet.
  }
  const tokens = {} as Record<'csr' | 'supervisor', string>;
  for (const [role, agentName] of [
    ['csr', 'Demo CSR'],
    ['supervisor', 'Demo Supervisor'],
  ] as const) {
    const existing = saved[role];
    const valid = existing ? (await findPrincipal(db, existing))?.role === role : false;
    tokens[role] = valid
      ? existing!
      : (await createToken(db, { role, agentName, actor: 'npm-start' })).token;
  }
  await writeFile(file, JSON.stringify(tokens, null, 2), { mode: 0o600 });
  return tokens;
}

const config = readConfig();
const port = Number(process.env.PORT ?? 8787);
try {
  const server = await startServer({ config, port, host: 'localhost', seedDemo: true });
  closeOnSignals(server);
  const tokens = await demoTokens(server.db, path.join(config.dataDir, 'start-tokens.json'));
  // The demo supervisor oversees every demo team, so the workspace shows data at once.
  await server.db.query(
    `INSERT INTO supervisor_teams (supervisor, team_id)
     SELECT 'Demo Supervisor', id FROM teams ON CONFLICT DO NOTHING`,
  );
  const dist = path.resolve('dist');
  process.stdout.write(`
LoopDesk is running.
  API:            ${server.url}   (docs ${server.url}/docs)
  Demo CRM:       ${server.url}/demo
  Database:       ${server.db.kind === 'pglite' ? `embedded, in ${config.dataDir}` : 'PostgreSQL (DATABASE_URL)'}${server.seed?.seeded ? `\n                  seeded ${server.seed.customers} demo customers, scored ${server.seed.scored}` : ''}
  CSR token:        ${tokens.csr}
  Supervisor token: ${tokens.supervisor}

Load the extension: open chrome://extensions, switch on Developer mode, click "Load unpacked"
and choose ${dist}. In the extension's options enter the API URL ${server.url} and the CSR
token, enable the demo CRM, then open ${server.url}/demo/customers/CUST-0001.
Stop with Ctrl-C.
`);
} catch (error) {
  process.stderr.write(`error: ${(error as Error).message}\n`);
  process.exit(1);
}
