import type { BackendCheck } from '../messaging/protocol.ts';

const tokenHelp =
  'Paste the CSR token `npm start` printed, or have an administrator issue one: ' +
  'npx loopdesk token create --role csr --name <your name> --team <team>.';

/** What the options page says after Save: whose token it is, or exactly what is wrong. */
export function describeBackendCheck(check: BackendCheck): { ok: boolean; text: string } {
  switch (check.kind) {
    case 'connected':
      return { ok: true, text: `Connected as ${check.agentName} (${check.role}).` };
    case 'not-configured':
      return check.missing === 'token'
        ? { ok: false, text: `Saved, but there is no token yet. ${tokenHelp}` }
        : { ok: false, text: 'Enter the backend URL (http://localhost:8787 for `npm start`).' };
    case 'backend-refused':
      return { ok: false, text: `Not connected: ${check.reason}` };
    case 'unreachable':
      return {
        ok: false,
        text:
          `Saved, but the backend at ${check.backendUrl} did not answer (${check.message}). ` +
          'Is it running (`npm start`), and is the address right?',
      };
    case 'token-refused':
      return {
        ok: false,
        text: `Saved, but ${check.backendUrl} refused the token: ${check.detail} ${tokenHelp}`,
      };
    case 'not-loopdesk':
      return {
        ok: false,
        text:
          `Saved, but ${check.backendUrl} does not answer like a LoopDesk backend ` +
          `(GET /v1/whoami: ${check.status}). Check the address and port.`,
      };
    case 'error':
      return {
        ok: false,
        text: `Saved, but ${check.backendUrl} answered ${check.status}: ${check.detail}`,
      };
  }
}
