import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importColumns, importKinds } from './imports/rows.ts';
import { runLoopdesk as loopdesk } from './testing/cli-process.ts';

const bin = path.resolve(import.meta.dirname, '../../bin/loopdesk.mjs');

const lastLine = (text: string) => text.trim().split('\n').at(-1)!;

/** `loopdesk serve` on an embedded database in `dataDir`, with the URL it listens on. */
async function startServe(dataDir: string): Promise<{ server: ChildProcess; url: string }> {
  const server = spawn(process.execPath, [bin, 'serve', '--port', '0'], {
    env: { ...process.env, LOOPDESK_DATA_DIR: dataDir, DATABASE_URL: '' },
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    server.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    server.on('close', (code) => reject(new Error(`serve exited with ${code}`)));
  });
  return { server, url };
}

async function stopServe(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null) return;
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('close', resolve));
}

/** Nothing but the CLI's own lines: no stack, no unhandled 'error' event. */
const cleanFailure = (stderr: string) => {
  expect(stderr).not.toMatch(/Unhandled|node:|ERR_STREAM|fetch failed|\n\s+at /);
};

// Each command is a fresh Node process opening PGlite; on a busy machine that takes a while.
describe('loopdesk CLI on the embedded database', { timeout: 180_000 }, () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'loopdesk-cli-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('creates a token and prints it on the last line', async () => {
    const run = await loopdesk(dataDir, ['token', 'create', '--role', 'csr', '--name', 'e2e']);
    expect(run.code).toBe(0);
    expect(lastLine(run.stdout)).toMatch(/^ld_csr_[A-Za-z0-9_-]{20,}$/);
  });

  it('imports a file, and rejects a bad one with line and column and a non-zero exit', async () => {
    const good = path.join(dataDir, 'customers.csv');
    await writeFile(good, 'customer_id,name,email\nA1,Ann,ann@example.com\n');
    const ok = await loopdesk(dataDir, ['import', 'customers', good]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe(`Imported 1 customer from ${good}: 1 new, 0 updated, 0 unchanged\n`);
    const bad = path.join(dataDir, 'transactions.csv');
    await writeFile(bad, 'customer_id,occurred_at,amount\nA1,2024-01-01,ten\n');
    const refused = await loopdesk(dataDir, ['import', 'transactions', bad]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('line 2, amount: "ten" is not an amount');
  });

  it('says how many rows it imported in plain words, and refuses a file with no data rows', async () => {
    const two = path.join(dataDir, 'two.csv');
    await writeFile(two, 'customer_id,occurred_at,amount\nN1,2024-01-01,10\nN2,2024-01-02,12\n');
    const imported = await loopdesk(dataDir, ['import', 'transactions', two]);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toBe(
      `Imported 2 transactions from ${two}: 2 new, 0 updated, 0 unchanged; ` +
        '2 customers created for unknown customer_id\n',
    );

    const empty = path.join(dataDir, 'empty.csv');
    await writeFile(empty, '');
    const none = await loopdesk(dataDir, ['import', 'customers', empty]);
    expect(none.code).toBe(1);
    expect(none.stderr).toBe(
      `error: ${empty} has no data rows to import (it is empty); nothing was written\n`,
    );
    const header = path.join(dataDir, 'header-only.csv');
    await writeFile(header, 'customer_id,name\n');
    const headerOnly = await loopdesk(dataDir, ['import', 'customers', header]);
    expect(headerOnly.code).toBe(1);
    expect(headerOnly.stderr).toBe(
      `error: ${header} has no data rows to import (only a header); nothing was written\n`,
    );
  });

  it("prints its version and, for import, every kind's columns as the importer checks them", async () => {
    const pkg = JSON.parse(
      await readFile(path.resolve(import.meta.dirname, '../../package.json'), 'utf8'),
    ) as { version: string };
    const version = await loopdesk(dataDir, ['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout).toBe(`${pkg.version}\n`);

    const help = await loopdesk(dataDir, ['import', '--help']);
    expect(help.code).toBe(0);
    const lines = help.stdout.split('\n').map((line) => line.trim());
    for (const kind of importKinds) {
      const at = lines.findIndex((line) => line.startsWith(`${kind} `));
      expect(at, kind).toBeGreaterThan(0);
      expect(lines[at]).toMatch(
        new RegExp(`required: ${importColumns[kind].required.join(', ')}$`),
      );
      expect(lines[at + 1]).toBe(`optional: ${importColumns[kind].optional.join(', ')}`);
    }
    expect(help.stdout).toContain('any other column is kept as an attribute');
    expect(help.stdout).toMatch(/so calls it posts for this user\s+reach the agent's panel/);
  });

  it('puts a CSR in a team and gives a supervisor the teams they see', async () => {
    const csr = await loopdesk(dataDir, [
      'token',
      'create',
      '--role',
      'csr',
      '--name',
      'Casey',
      '--team',
      'Support',
    ]);
    expect(csr.code, csr.stderr).toBe(0);
    expect(csr.stdout).toMatch(/^Created a csr token for Casey, in team Support \(a new team\); /);
    expect(lastLine(csr.stdout)).toMatch(/^ld_csr_/);

    const typo = await loopdesk(dataDir, [
      'token',
      'create',
      '--role',
      'supervisor',
      '--name',
      'Sam',
      '--team',
      'Support',
      '--team',
      'Suport',
    ]);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toBe('error: No team is named "Suport". Teams: Support.\n');

    const lead = await loopdesk(dataDir, [
      'token',
      'create',
      '--role',
      'supervisor',
      '--name',
      'Sam',
      '--team',
      'Support',
    ]);
    expect(lead.code, lead.stderr).toBe(0);
    expect(lead.stdout).toMatch(/^Created a supervisor token for Sam, who sees team Support; /);
    const listed = await loopdesk(dataDir, ['token', 'list', '--name', 'Sam']);
    expect(listed.stdout.trim().split('\n')).toHaveLength(2);
  });

  it('issues an integration token and maps telephony ids onto an agent', async () => {
    const token = await loopdesk(dataDir, [
      'token',
      'create',
      '--role',
      'integration',
      '--name',
      'twilio',
    ]);
    expect(token.code).toBe(0);
    expect(lastLine(token.stdout)).toMatch(/^ld_integration_/);
    const mapped = await loopdesk(dataDir, [
      'agents',
      'map',
      'harper',
      'Harper@Example.com',
      '--platform',
      'aircall',
    ]);
    expect(mapped.code).toBe(0);
    expect(mapped.stdout.trim()).toBe('harper@example.com now names harper on aircall.');
    const bad = await loopdesk(dataDir, [
      'agents',
      'map',
      'harper',
      'U1',
      '--platform',
      'Air Call',
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('"Air Call" is not a platform name');
  });

  it('explains unknown roles and missing files', async () => {
    const role = await loopdesk(dataDir, ['token', 'create', '--role', 'boss', '--name', 'x']);
    expect(role.code).not.toBe(0);
    expect(role.stderr).toContain('boss');
    const missing = await loopdesk(dataDir, [
      'import',
      'customers',
      path.join(dataDir, 'nope.csv'),
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('cannot read');
  });

  it('lists and revokes tokens by agent or id, and says what it could not revoke', async () => {
    for (let i = 0; i < 2; i += 1) {
      expect(
        (await loopdesk(dataDir, ['token', 'create', '--role', 'csr', '--name', 'leaver'])).code,
      ).toBe(0);
    }
    const listed = await loopdesk(dataDir, ['token', 'list', '--name', 'leaver']);
    expect(listed.code).toBe(0);
    const lines = listed.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^id\s+role\s+agent\s+created\s+revoked$/);
    expect(lines.slice(1)).toHaveLength(2);
    expect(listed.stdout).not.toContain('ld_csr_');
    const firstId = lines[1]!.split(/\s+/)[0]!;

    const byId = await loopdesk(dataDir, ['token', 'revoke', '--id', firstId]);
    expect(byId.code).toBe(0);
    expect(byId.stdout).toContain('Revoked 1 token:');
    const again = await loopdesk(dataDir, ['token', 'revoke', '--id', firstId]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`token ${firstId} was already revoked`);
    const byName = await loopdesk(dataDir, ['token', 'revoke', '--name', 'leaver']);
    expect(byName.code).toBe(0);
    expect(byName.stdout).toContain('Revoked 1 token:');
    const none = await loopdesk(dataDir, ['token', 'revoke', '--name', 'leaver']);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('leaver has no active tokens');
    const unclear = await loopdesk(dataDir, ['token', 'revoke']);
    expect(unclear.code).toBe(1);
    expect(unclear.stderr).toContain('--id <id> or --name <agent>');
    const all = await loopdesk(dataDir, ['token', 'list', '--name', 'leaver', '--all']);
    expect(all.stdout.trim().split('\n').slice(1)).toHaveLength(2);
  });

  it('prunes old score snapshots, and refuses a retention that is not a number of days', async () => {
    const refused = await loopdesk(dataDir, ['prune-snapshots', '--keep-days', '0']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('whole number of days');
    const pruned = await loopdesk(dataDir, ['prune-snapshots', '--keep-days', '400']);
    expect(pruned.code).toBe(0);
    expect(pruned.stdout).toMatch(/^Deleted 0 score snapshots taken before \d{4}-\d\d-\d\dT/);
  });

  it('sends token and import commands to a running server that holds the database', async () => {
    const { server, url } = await startServe(dataDir);
    try {
      const created = await loopdesk(dataDir, [
        'token',
        'create',
        '--role',
        'csr',
        '--name',
        'live',
      ]);
      expect(created.code).toBe(0);
      const token = lastLine(created.stdout);
      const file = path.join(dataDir, 'more.ndjson');
      await writeFile(file, '{"customer_id":"A2","email":"bea@example.com"}\n');
      const imported = await loopdesk(dataDir, ['import', 'customers', file]);
      expect(imported.code).toBe(0);
      expect(imported.stdout).toBe(
        `Imported 1 customer from ${file}: 1 new, 0 updated, 0 unchanged\n`,
      );
      const lead = await loopdesk(dataDir, [
        'token',
        'create',
        '--role',
        'supervisor',
        '--name',
        'Live Lead',
        '--team',
        'Support',
      ]);
      expect(lead.code, lead.stderr).toBe(0);
      expect(lead.stdout).toContain(
        'Created a supervisor token for Live Lead, who sees team Support;',
      );
      const response = await fetch(`${url}/v1/insights?email=bea@example.com`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { customer: { id: string } }).customer.id).toBe('A2');
      // Revoked through the server, the token is refused on the very next request.
      const revoked = await loopdesk(dataDir, ['token', 'revoke', '--name', 'live']);
      expect(revoked.code).toBe(0);
      const refused = await fetch(`${url}/v1/insights?email=bea@example.com`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(refused.status).toBe(401);
    } finally {
      await stopServe(server);
    }
  });
});

describe('loopdesk import refusing a bad file', { timeout: 300_000 }, () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'loopdesk-cli-refusals-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  // A large file whose fault is near its start: found long before the whole file was sent.
  const bigCsv = (shortRow: boolean) => {
    const lines = ['customer_id,name', 'A1,Ann', shortRow ? 'A2' : 'A2,Bea'];
    for (let i = 0; i < 200_000; i += 1) lines.push(`B${i},Name ${i}`);
    return `${lines.join('\n')}\n`;
  };

  it('exits 1 with the problems and no crash on the embedded database', async () => {
    const ndjson = path.join(dataDir, 'bad.ndjson');
    await writeFile(ndjson, '{"customer_id":"x1"}\n{oops\n');
    const json = await loopdesk(dataDir, ['import', 'customers', ndjson]);
    expect(json.code).toBe(1);
    const [first, second, ...rest] = json.stderr.split('\n');
    expect(first).toBe(`error: ${ndjson} was rejected, nothing was written (1 problem):`);
    expect(second).toMatch(/^ {2}line 2: not valid JSON: /);
    expect(rest).toEqual(['']);
    cleanFailure(json.stderr);

    const gz = path.join(dataDir, 'customers.csv.gz');
    await writeFile(gz, gzipSync(bigCsv(false)).subarray(0, 4_000));
    const gzip = await loopdesk(dataDir, ['import', 'customers', gz]);
    expect(gzip.code).toBe(1);
    expect(gzip.stderr).toContain(`\n  ${gz} is not valid gzip: it ends before`);
    cleanFailure(gzip.stderr);
  });

  it("prints the server's line and column through a running server, which stays up", async () => {
    const { server, url } = await startServe(dataDir);
    try {
      const ndjson = path.join(dataDir, 'bad-again.ndjson');
      await writeFile(ndjson, '{"customer_id":"x1"}\n{oops\n');
      const json = await loopdesk(dataDir, ['import', 'customers', ndjson]);
      expect(json.code).toBe(1);
      expect(json.stderr).toMatch(/\n {2}line 2: not valid JSON: /);
      cleanFailure(json.stderr);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);

      const header = path.join(dataDir, 'header.csv');
      await writeFile(header, 'nonsense_col\n1\n');
      const bad = await loopdesk(dataDir, ['import', 'customers', header]);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain('line 1: header: missing column(s): customer_id');
      cleanFailure(bad.stderr);

      const empty = path.join(dataDir, 'empty-again.csv');
      await writeFile(empty, 'customer_id\n');
      const none = await loopdesk(dataDir, ['import', 'customers', empty]);
      expect(none.code).toBe(1);
      expect(none.stderr).toContain(
        `error: ${empty} has no data rows to import (only a header); nothing was written\n`,
      );
      cleanFailure(none.stderr);

      const big = path.join(dataDir, 'big.csv');
      await writeFile(big, bigCsv(true));
      const short = await loopdesk(dataDir, ['import', 'customers', big]);
      expect(short.code).toBe(1);
      expect(short.stderr).toContain('line 3: the row has 1 cell but the header has 2 columns');
      cleanFailure(short.stderr);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      expect(server.exitCode).toBeNull();
    } finally {
      await stopServe(server);
    }
  });
});
