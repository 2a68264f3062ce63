import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { benchDatabaseUrl } from './postgres.ts';

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

const clockTicksPerSecond = 100;

/** CPU seconds (user + system) a process has used so far, 0 when it is gone. */
function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicksPerSecond;
  } catch {
    return 0;
  }
}

/**
 * CPU seconds used so far by each PostgreSQL server process on this machine, by pid: the
 * server-wide processes and the backends of the bench database, not the backends other work on
 * the machine (tests in loopdesk_test) has open at the same time.
 */
function postgresCpuSeconds(): Map<number, number> {
  const used = new Map<number, number>();
  const benchDatabase = new URL(benchDatabaseUrl).pathname.slice(1);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'postgres') continue;
      // A backend's title: "postgres: 15/main: <user> <database> <client> <state>".
      const title = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
      const backend = /^postgres: \S+: \S+ (\S+) \S+\(\d+\)/.exec(title);
      if (backend && backend[1] !== benchDatabase) continue;
    } catch {
      continue;
    }
    used.set(Number(entry), processCpuSeconds(Number(entry)));
  }
  return used;
}

/** CPU used between two readings by the processes alive at the second (new ones count whole). */
function cpuBetween(start: Map<number, number>, end: Map<number, number>): number {
  let total = 0;
  for (const [pid, seconds] of end) total += Math.max(0, seconds - (start.get(pid) ?? 0));
  return total;
}

/** Busy and total CPU seconds of the whole machine, all cores (/proc/stat). */
function machineCpuSeconds(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = ticks[3]! + ticks[4]!;
  const total = ticks.slice(0, 8).reduce((sum, value) => sum + value, 0);
  return { busy: (total - idle) / clockTicksPerSecond, total: total / clockTicksPerSecond };
}

/**
 * Where the machine's CPU went between start and stop, in CPU seconds: the server process,
 * PostgreSQL (all its processes: other work on the database counts too), the whole machine busy
 * (the load generator and other people's work included) and idle.
 */
export function sampleCpu(serverPid: number) {
  const read = () => ({
    server: processCpuSeconds(serverPid),
    postgres: postgresCpuSeconds(),
    machine: machineCpuSeconds(),
  });
  const start = read();
  return {
    stop() {
      const end = read();
      const busy = end.machine.busy - start.machine.busy;
      return {
        server: end.server - start.server,
        postgres: cpuBetween(start.postgres, end.postgres),
        busy,
        idle: end.machine.total - start.machine.total - busy,
      };
    },
  };
}
