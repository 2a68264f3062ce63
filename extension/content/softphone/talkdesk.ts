import type { SoftphonePageAdapter } from './types.ts';

// Talkdesk on `https://<account>.mytalkdesk.com/…` (public userscripts `// @match
// https://*.mytalkdesk.com/*`, e.g. EpicChloe/TalkDesk-Alerts; the Atlas UI under
// `/atlas/apps/conversation`).
//
// URL ONLY. No public code reads the agent UI's caller (public userscripts read supervisor
// dashboard widgets only), and the event names Talkdesk Embedded posts to an embedding page are
// not in any public source we have. Calls reach LoopDesk only through the backend's calls API.
const HOST = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.mytalkdesk\.com$/;

export const talkdesk: SoftphonePageAdapter = {
  id: 'talkdesk',
  matches: (url) => url.protocol === 'https:' && !url.port && HOST.test(url.hostname),
  readsPage: false,
  detectCall: () => null,
};
