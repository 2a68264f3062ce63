import type { SoftphonePageAdapter } from './types.ts';

// Aircall Workspace in a tab of its own: `https://workspace.aircall.io` (current; the Aircall
// Everywhere SDK's default, aircall/aircall-everywhere aircallWorkspace.js@3e376ff4) and
// `https://phone.aircall.io` (the older Aircall Phone, aircallPhone.js@069175d2).
//
// URL ONLY. No public code reads Workspace's markup (code searches found only SDK embeds), and a
// top-level Workspace tab posts its call events to no one: the SDK's messages go to an
// embedding page's window (see aircall-everywhere.ts). Calls made in this tab reach LoopDesk
// through the backend's Aircall webhook.
const HOSTS = new Set(['workspace.aircall.io', 'phone.aircall.io']);

export const aircall: SoftphonePageAdapter = {
  id: 'aircall',
  matches: (url) => url.protocol === 'https:' && !url.port && HOSTS.has(url.hostname),
  readsPage: false,
  detectCall: () => null,
};
