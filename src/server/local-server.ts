import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ServerConfig } from './config.ts';

/**
 * PGlite lets one process open a data folder. While `serve` runs it writes this file (its pid,
 * URL and an admin token for the CLI, mode 0600) so other CLI commands talk to it over HTTP
 * instead of opening the folder a second time.
 */
export interface LocalServerInfo {
  pid: number;
  url: string;
  cliToken: string;
}

const localServerFile = (config: Pick<ServerConfig, 'dataDir'>) =>
  path.join(config.dataDir, 'server.json');

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The server holding the embedded database, if one is running (a stale file is ignored). */
export async function runningLocalServer(
  config: Pick<ServerConfig, 'dataDir' | 'databaseUrl'>,
): Promise<LocalServerInfo | null> {
  if (config.databaseUrl) return null;
  let info: LocalServerInfo;
  try {
    info = JSON.parse(await readFile(localServerFile(config), 'utf8')) as LocalServerInfo;
  } catch {
    return null;
  }
  return info.pid !== process.pid && isAlive(info.pid) ? info : null;
}

export async function writeLocalServer(
  config: Pick<ServerConfig, 'dataDir'>,
  info: LocalServerInfo,
) {
  await writeFile(localServerFile(config), JSON.stringify(info), { mode: 0o600 });
}

export async function removeLocalServer(config: Pick<ServerConfig, 'dataDir'>) {
  await rm(localServerFile(config), { force: true });
}
