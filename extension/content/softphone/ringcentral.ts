import type { SoftphonePageAdapter } from './types.ts';

// The RingCentral app on the web, `https://app.ringcentral.com/…` (the only public userscript
// for it, Mienfoo/gen4y-userscript, matches `https://app.ringcentral.com/*`).
//
// URL ONLY. No public code reads the app's call UI (that userscript only adds an SMS
// signature). RingCentral's own route for other pages is Embeddable (ringcentral-embeddable.ts).
// Calls reach LoopDesk only through the backend's calls API.
export const ringcentral: SoftphonePageAdapter = {
  id: 'ringcentral',
  matches: (url) =>
    url.protocol === 'https:' && !url.port && url.hostname === 'app.ringcentral.com',
  readsPage: false,
  detectCall: () => null,
};
