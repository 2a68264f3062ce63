import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

/** The real backend, driven through its CLI, with its own data folder and port. */
export class Backend {
  readonly dataDir = mkdtempSync(join(tmpdir(), 'loopdesk-e2e-'));
  private process: ChildProcess | null = null;
  private output = '';

  constructor(readonly port: number) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  private env() {
    return { ...process.env, LOOPDESK_DATA_DIR: join(this.dataDir, 'data') };
  }

  async start(options: { seedDemo?: boolean } = {}): Promise<void> {
    const args = [cli, 'serve', '--port', String(this.port), '--host', '127.0.0.1'];
    if (options.seedDemo) args.push('--seed-demo');
    const child = spawn(process.execPath, args, {
      env: this.env(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.process = child;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`backend did not start:\n${this.output}`)),
        90_000,
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

  async cli(...args: string[]): Promise<string> {
    const { stdout } = await run(process.execPath, [cli, ...args], {
      env: this.env(),
      cwd: repoRoot,
    });
    return stdout;
  }

  async importCsv(
    kind: 'customers' | 'identities',
    header: string,
    rows: string[][],
  ): Promise<void> {
    const file = join(this.dataDir, `${kind}.csv`);
    const quote = (cell: string) => (/[",\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);
    writeFileSync(file, [header, ...rows.map((row) => row.map(quote).join(','))].join('\n') + '\n');
    await this.cli('import', kind, file);
  }

  async createToken(agent: string): Promise<string> {
    const output = (await this.cli('token', 'create', '--role', 'csr', '--name', agent))
      .trim()
      .split('\n');
    const token = output.at(-1)?.trim();
    if (!token) throw new Error('token create printed no token');
    return token;
  }

  async get(path: string, token: string): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${this.url}${path}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return { status: response.status, body: await response.json().catch(() => null) };
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
