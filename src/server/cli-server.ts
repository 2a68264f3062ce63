import { readConfig } from './config.ts';
import type { Db } from './db/db.ts';
import { openDb } from './db/open.ts';
import { ImportRejectedError, type FileProblem } from './imports/run.ts';
import { runningLocalServer, type LocalServerInfo } from './local-server.ts';

/** Who the audit log names for what a command does on the database itself. */
export function cliActor(): string {
  return `cli:${process.env.USER ?? 'local'}`;
}

/** A failure the user can act on: printed as one line, exit code 1, no stack. */
export class CliError extends Error {}

/** Calls the running local server's API with its CLI token; a problem answer becomes an error. */
export async function callServer<T>(
  server: LocalServerInfo,
  path: string,
  init: RequestInit,
): Promise<T> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(`${server.url}${path}`, {
      ...init,
      headers: {
        ...(init.headers as Record<string, string>),
        authorization: `Bearer ${server.cliToken}`,
      },
    });
    text = await response.text();
  } catch (error) {
    // fetch says only "fetch failed"; what went wrong is in its cause.
    const cause = (error as { cause?: unknown }).cause;
    const reason = cause instanceof Error ? cause.message : (error as Error).message;
    throw new CliError(`the request to ${server.url} failed: ${reason}`);
  }
  let body: T & { title?: string; detail?: string; errors?: FileProblem[]; errorCount?: number };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new CliError(
      `the server answered ${response.status} with something that is not JSON: ${text.slice(0, 200)}`,
    );
  }
  if (!response.ok) {
    if (body.errors && body.errorCount !== undefined)
      throw new ImportRejectedError(body.errors, body.errorCount);
    throw new CliError(
      `the server answered ${response.status}: ${body.detail ?? body.title ?? 'error'}`,
    );
  }
  return body;
}

/** Runs `work` on the database, or on the running server that holds the embedded one. */
export async function withDatabaseOrServer<T>(
  local: (db: Db) => Promise<T>,
  remote: (server: LocalServerInfo) => Promise<T>,
): Promise<T> {
  const config = readConfig();
  const server = await runningLocalServer(config);
  if (server) {
    process.stderr.write(
      `A LoopDesk server (pid ${server.pid}) holds the database; going through ${server.url}\n`,
    );
    return remote(server);
  }
  const db = await openDb(config);
  try {
    return await local(db);
  } finally {
    await db.close();
  }
}
