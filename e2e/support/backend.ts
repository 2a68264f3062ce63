import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const repoRoot = join(import.meta.dirname, '..', '..');
const cli = join(repoRoot, 'bin', 'loopdesk.mjs');
const run = promisify(execFile);

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

export type Role = 'csr' | 'supervisor' | 'admin';

export interface ApiAnswer<T = unknown> {
  status: number;
  body: T;
}

/**
 * The real backend, started through its CLI with its own data folder and port, seeded through
 * its admin API with the admin token `serve` writes to `server.json`.
 */
export class Backend {
  readonly dataDir = mkdtempSync(join(tmpdir(), 'loopdesk-e2e-'));
  private process: ChildProcess | null = null;
  private output = '';
  /** Extra environment for the next start (a spec switching a webhook on, say). */
  extraEnv: Record<string, string> = {};

  constructor(readonly port: number) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  private get dbDir(): string {
    return join(this.dataDir, 'data');
  }

  private env() {
    // Decisions repeat run to run, so whether a look lands in the control group is no chance.
    return {
      ...process.env,
      LOOPDESK_DATA_DIR: this.dbDir,
      LOOPDESK_DECISION_SEED: '1',
      ...this.extraEnv,
    };
  }

  async start(options: { seedDemo?: boolean } = {}): Promise<void> {
    const args = [cli, 'serve', '--port', String(this.port), '--host', '127.0.0.1'];
    if (options.seedDemo) args.push('--seed-demo');
    this.output = '';
    const child = spawn(process.execPath, args, {
      env: this.env(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.process = child;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`backend did not start:\n${this.output}`)),
        120_000,
      );
      const onData = (chunk: Buffer) => {
        this.output += chunk.toString();
        if (this.output.includes('listening on')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`backend exited (${code}):\n${this.output}`));
      });
    });
  }

  async stop(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null) return;
    this.process = null;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }

  /** Runs one `loopdesk` CLI command against this backend's data folder (slow: a process each). */
  async cli(...args: string[]): Promise<string> {
    const { stdout } = await run(process.execPath, [cli, ...args], {
      env: this.env(),
      cwd: repoRoot,
    });
    return stdout;
  }

  /** The admin token the running server wrote for the CLI (`server.json`). */
  get adminToken(): string {
    const info = JSON.parse(readFileSync(join(this.dbDir, 'server.json'), 'utf8')) as {
      cliToken: string;
    };
    return info.cliToken;
  }

  async request<T = unknown>(
    method: string,
    path: string,
    token: string,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<ApiAnswer<T>> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': contentType }),
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json().catch(() => null)) as T };
  }

  /** An admin call that must succeed; a refusal fails the test with the server's problem. */
  async admin<T = unknown>(method: string, path: string, body?: unknown, contentType?: string) {
    const answer = await this.request<T>(method, path, this.adminToken, body, contentType);
    if (answer.status >= 300) {
      throw new Error(
        `${method} ${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`,
      );
    }
    return answer.body;
  }

  /** Imports CSV rows through POST /v1/imports/:kind (all or nothing). */
  async importCsv(
    kind: 'customers' | 'identities' | 'transactions' | 'contacts',
    header: string,
    rows: string[][],
  ): Promise<void> {
    await this.admin('POST', `/v1/imports/${kind}`, csv(header, rows), 'text/csv');
  }

  /** The same import through the CLI, which hands the file to the running server. */
  async importCsvThroughCli(
    kind: 'customers' | 'identities',
    header: string,
    rows: string[][],
  ): Promise<string> {
    const file = join(this.dataDir, `${kind}.csv`);
    writeFileSync(file, csv(header, rows));
    return this.cli('import', kind, file);
  }

  async createToken(agent: string, role: Role = 'csr'): Promise<string> {
    return (await this.admin<{ token: string }>('POST', '/v1/tokens', { role, name: agent })).token;
  }

  /** `loopdesk token create`, kept so the CLI's path through the running server stays tested. */
  async createTokenThroughCli(agent: string, role: Role = 'csr'): Promise<string> {
    const output = (await this.cli('token', 'create', '--role', role, '--name', agent))
      .trim()
      .split('\n');
    const token = output.at(-1)?.trim();
    if (!token) throw new Error('token create printed no token');
    return token;
  }

  async get(path: string, token: string): Promise<ApiAnswer> {
    return this.request('GET', path, token);
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

function csv(header: string, rows: string[][]): string {
  const quote = (cell: string) => (/[",\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);
  return [header, ...rows.map((row) => row.map(quote).join(','))].join('\n') + '\n';
}
