import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const libDir = path.dirname(fileURLToPath(import.meta.url));

/** Starts `bench/lib/<script>` under tsx with extra env; stderr passes through. */
export function startScript(
  script: string,
  env: Record<string, string>,
  nodeArgs: string[] = [],
): ChildProcess {
  return spawn(process.execPath, [...nodeArgs, '--import', 'tsx', path.join(libDir, script)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

/** The first line the child prints on stdout, parsed as JSON (its "ready" message or result). */
export function firstJsonLine<T>(child: ChildProcess, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => {
      reject(new Error(`no output from child ${child.pid} within ${timeoutMs} ms`));
    }, timeoutMs);
    lines.once('line', (line) => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(line) as T);
      } catch (error) {
        reject(error as Error);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`child ${child.pid} exited with code ${code} before answering`));
    });
  });
}

/** Runs a script to the end and returns the JSON line it printed. */
export async function runScript<T>(
  script: string,
  env: Record<string, string>,
  timeoutMs: number,
): Promise<T> {
  const child = startScript(script, env);
  try {
    return await firstJsonLine<T>(child, timeoutMs);
  } finally {
    if (child.exitCode === null) child.kill('SIGTERM');
  }
}

export async function stopChild(child: ChildProcess, timeoutMs = 15_000): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
}

/** Samples a process's resident memory (VmRSS, /proc) until stopped: peak and mean in MiB. */
export function sampleRss(pid: number, everyMs = 250) {
  const samples: number[] = [];
  const read = () => {
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (match) samples.push(Number(match[1]) / 1024);
    } catch {
      // The process is gone; the samples so far stand.
    }
  };
  read();
  const timer = setInterval(read, everyMs);
  return {
    stop() {
      clearInterval(timer);
      read();
      const peak = Math.max(...samples);
      const mean = samples.reduce((sum, value) => sum + value, 0) / samples.length;
      return { peakMiB: peak, meanMiB: mean, samples: samples.length };
    },
  };
}
