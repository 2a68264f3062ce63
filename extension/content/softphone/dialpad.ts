import type { SoftphonePageAdapter } from './types.ts';

// Dialpad's web app, `https://dialpad.com/app…`.
//
// URL ONLY. No public code reads the web app's markup (code searches found only CTI postMessage
// integrations). Calls reach LoopDesk through the backend's Dialpad call-event webhook
// (developers.dialpad.com/docs/call-events-logging). The CTI iframe at `/apps/<ClientID>` is a
// different page (dialpad-cti.ts reads its messages in the page embedding it).
const APP_PATH = /^\/app(?:\/|$)/;

export const dialpad: SoftphonePageAdapter = {
  id: 'dialpad',
  matches: (url) =>
    url.protocol === 'https:' &&
    !url.port &&
    url.hostname === 'dialpad.com' &&
    APP_PATH.test(url.pathname),
  readsPage: false,
  detectCall: () => null,
};
