import type { CurrentCall } from '../messaging/protocol.ts';
import { callBackend, problemText, type BackendAccess } from '../shared/backend-client.ts';
import { callReportsSessionKey } from '../shared/storage-keys.ts';
import { callReportOf } from './calls.ts';
import type { SessionArea } from './tab-customers.ts';

type CallReport = ReturnType<typeof callReportOf>;

export interface CallReportDeps {
  area: SessionArea;
  access(): Promise<BackendAccess | null>;
  exclusive<T>(run: () => Promise<T>): Promise<T>;
  fetch: typeof fetch;
  warn(message: string): void;
}

const maxWaiting = 200;

/**
 * A softphone call's states go to the backend (`POST /v1/agents/me/calls`), where an ended call
 * becomes a phone contact. Waiting reports are kept in storage.session until delivered, oldest
 * first; the backend takes a repeated state once, so sending one twice is harmless.
 */
export async function reportCall(deps: CallReportDeps, call: CurrentCall): Promise<void> {
  if (call.source !== 'softphone') return;
  await deps.exclusive(async () => {
    const waiting = await readWaiting(deps.area);
    waiting.push(callReportOf(call));
    await deps.area.set({ [callReportsSessionKey]: waiting.slice(-maxWaiting) });
  });
  await sendCallReports(deps);
}

async function readWaiting(area: SessionArea): Promise<CallReport[]> {
  const stored = (await area.get(callReportsSessionKey))[callReportsSessionKey];
  return Array.isArray(stored) ? (stored as CallReport[]) : [];
}

/** Sends what waits, in order; stops at the first report the backend cannot take now. */
export async function sendCallReports(deps: CallReportDeps): Promise<void> {
  await deps.exclusive(async () => {
    const access = await deps.access();
    if (!access) return;
    const waiting = await readWaiting(deps.area);
    let sent = 0;
    for (const report of waiting) {
      const answer = await callBackend(
        access,
        { method: 'POST', path: 'v1/agents/me/calls', body: report, timeoutMs: 10_000 },
        deps.fetch,
      );
      const later = [401, 408, 409, 429];
      if (!answer.answered || later.includes(answer.status) || answer.status >= 500) break;
      if (!answer.ok) {
        // Refused for good (the report itself is wrong): said once, not retried forever.
        deps.warn(
          `LoopDesk: the backend refused a call report (${answer.status}): ${problemText(answer.problem) ?? ''}`,
        );
      }
      sent += 1;
    }
    if (sent) await deps.area.set({ [callReportsSessionKey]: waiting.slice(sent) });
  });
}
