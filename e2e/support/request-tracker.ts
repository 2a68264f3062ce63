import { readFileSync } from 'node:fs';

/** What .ci/start-rt.sh writes to $RT_E2E_INFO about the Request Tracker it started. */
export interface RequestTrackerInfo {
  baseUrl: string;
  user: string;
  password: string;
  ticketId: string;
  requester: { email: string; name: string; phone: string };
}

export const defaultRequestTrackerOrigin = 'http://127.0.0.1:8090';

/** The running RT, or why there is none (env unset, file unreadable or malformed). */
export function readRequestTrackerInfo(): { info: RequestTrackerInfo } | { missing: string } {
  const file = process.env.RT_E2E_INFO;
  if (!file) return { missing: 'RT_E2E_INFO is not set (.ci/start-rt.sh writes it)' };
  let parsed: Partial<RequestTrackerInfo>;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<RequestTrackerInfo>;
  } catch (error) {
    return { missing: `RT_E2E_INFO=${file} is unreadable: ${(error as Error).message}` };
  }
  const { baseUrl, user, password, ticketId, requester } = parsed;
  if (!baseUrl || !user || !password || !ticketId || !requester?.email || !requester.name) {
    return {
      missing: `RT_E2E_INFO=${file} lacks baseUrl, user, password, ticketId or requester`,
    };
  }
  return { info: { baseUrl, user, password, ticketId: String(ticketId), requester } };
}

/** The RT origin the e2e build must be allowed to read. */
export function requestTrackerOrigin(): string {
  const found = readRequestTrackerInfo();
  return 'info' in found ? new URL(found.info.baseUrl).origin : defaultRequestTrackerOrigin;
}
