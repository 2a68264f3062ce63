import path from 'node:path';
import { readConfig } from './config.ts';
import { demoCsrName, demoStartTokens, demoSupervisorName } from './demo/start-tokens.ts';
import { closeOnSignals, startServer } from './serve.ts';

/** `npm start`: the embedded database with demo data, and a CSR and a supervisor token. */
const config = readConfig();
const port = Number(process.env.PORT ?? 8787);
try {
  const server = await startServer({ config, port, host: 'localhost', seedDemo: true });
  closeOnSignals(server);
  const tokens = await demoStartTokens(server.db, path.join(config.dataDir, 'start-tokens.json'));
  const dist = path.resolve('dist');
  process.stdout.write(`
LoopDesk is running.
  API:            ${server.url}   (docs ${server.url}/docs)
  Demo CRM:       ${server.url}/demo
  Database:       ${server.db.kind === 'pglite' ? `embedded, in ${config.dataDir}` : 'PostgreSQL (DATABASE_URL)'}${server.seed?.seeded ? `\n                  seeded ${server.seed.customers} demo customers, scored ${server.seed.scored}` : ''}
  CSR token:        ${tokens.csr}
                    (${demoCsrName}, team ${tokens.csrTeam})
  Supervisor token: ${tokens.supervisor}
                    (${demoSupervisorName}, every team: sees what the CSR records)

Load the extension: open chrome://extensions, switch on Developer mode, click "Load unpacked"
and choose ${dist}. The extension's options page opens: enter the API URL ${server.url} and
the CSR token, Save (it says "Connected as ${demoCsrName} (csr)"), enable the demo CRM (its
address is filled in), then open ${server.url}/demo/customers/CUST-0001.
Stop with Ctrl-C.
`);
} catch (error) {
  process.stderr.write(`error: ${(error as Error).message}\n`);
  process.exit(1);
}
