import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './backend.ts';

const repoRoot = join(import.meta.dirname, '..', '..');

/** What `npm start` tells a newcomer, read from its output as they would copy it. */
export interface NpmStartAnnouncement {
  apiUrl: string;
  csrToken: string;
  /** The agent the CSR token belongs to, as printed beside it. */
  csrName: string;
  supervisorToken: string;
  supervisorName: string;
  /** The demo customer page the output tells the newcomer to open. */
  customerPageUrl: string;
}

/**
 * The backend as `npm start` runs it: the same entry (src/server/start.ts, through tsx as
 * bin/start.mjs loads it) without the extension build, which the e2e run has done already.
 * Its own temporary data folder and a free port, so it shares nothing with the suite's backend.
 */
export class NpmStartBackend {
  readonly dataDir = mkdtempSync(join(tmpdir(), 'loopdesk-npm-start-'));
  private child: ChildProcess | null = null;
  private printed = '';

  /** Everything the process printed so far (stdout and stderr, in arrival order). */
  get output(): string {
    return this.printed;
  }

  async start(): Promise<NpmStartAnnouncement> {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', join('src', 'server', 'start.ts')], {
      cwd: repoRoot,
      env: {
        ...process.env,
        LOOPDESK_DATA_DIR: this.dataDir,
        PORT: String(port),
        // Decisions repeat run to run: the newcomer's first look must not land in the 5%
        // control group by chance (the panel in that case is tested in Panel.test.tsx).
        LOOPDESK_DECISION_SEED: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    return new Promise<NpmStartAnnouncement>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`npm start's backend printed no tokens in time:\n${this.printed}`)),
        180_000,
      );
      const onData = (chunk: Buffer) => {
        this.printed += chunk.toString();
        const announcement = parseAnnouncement(this.printed);
        if (announcement) {
          clearTimeout(timer);
          resolve(announcement);
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`npm start's backend exited (${code}):\n${this.printed}`));
      });
    });
  }

  async dispose(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      // SIGTERM: start.ts closes the embedded database cleanly on it.
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/**
 * Reads the block start.ts prints once the server listens; null until all of it has arrived.
 * The agent names are the words before the first comma in the brackets under each token.
 */
export function parseAnnouncement(output: string): NpmStartAnnouncement | null {
  const apiUrl = /^\s*API:\s+(https?:\/\/\S+)/m.exec(output)?.[1];
  const csr = /^\s*CSR token:\s+(\S+)\s*\n\s*\(([^,)]+)/m.exec(output);
  const supervisor = /^\s*Supervisor token:\s+(\S+)\s*\n\s*\(([^,)]+)/m.exec(output);
  // The last demo page named in the instructions, without the sentence's closing full stop;
  // only a whole line counts (the output may arrive in pieces).
  const pages = [...output.matchAll(/(https?:\/\/\S+\/demo\/\S*?[\w-])(?=[.,;)]?\s)/g)];
  const customerPageUrl = pages.at(-1)?.[1];
  if (!apiUrl || !csr || !supervisor || !customerPageUrl) return null;
  return {
    apiUrl,
    csrToken: csr[1]!,
    csrName: csr[2]!.trim(),
    supervisorToken: supervisor[1]!,
    supervisorName: supervisor[2]!.trim(),
    customerPageUrl,
  };
}
