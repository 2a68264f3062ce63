import type { SoftphonePageAdapter } from './types.ts';
import { readAgentUpdate } from './amazon-connect-snapshot.ts';

// Amazon Connect's Contact Control Panel (CCP v2) in a tab of its own.
//
// Addresses: `https://<alias>.my.connect.aws/ccp-v2/` (new instances) and
// `https://<alias>.awsapps.com/connect/ccp-v2/` (older ones): AWS "Upgrade your CCP when using
// the Streams API" (docs.aws.amazon.com/connect/latest/adminguide/upgrade-ccp-streams-api.html:
// "Update the URL … from /ccp# to /ccp-v2"); Streams' own unit test loads
// `https://abc.awsapps.com/connect/ccp-v2`; Streams' `isLegacyDomain` is
// `url.includes('.awsapps.com')`. Also seen: `…/ccp-v2/softphone`, `…/ccp-v2#/`, and
// `https://<alias>.my.connect.aws/connect/ccp-v2` (public embeds). The v1 `/connect/ccp#` is
// being retired and is not read.
const NEW_DOMAIN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.my\.connect\.aws$/;
const LEGACY_DOMAIN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.awsapps\.com$/;
const NEW_PATH = /^\/(?:connect\/)?ccp-v2(?:\/|$)/;
const LEGACY_PATH = /^\/connect\/ccp-v2(?:\/|$)/;

const ID = 'amazon-connect';

export const amazonConnect: SoftphonePageAdapter = {
  id: ID,
  matches(url) {
    if (url.protocol !== 'https:' || url.port) return false;
    if (NEW_DOMAIN.test(url.hostname)) return NEW_PATH.test(url.pathname);
    return LEGACY_DOMAIN.test(url.hostname) && LEGACY_PATH.test(url.pathname);
  },
  // No public code reads the CCP v2's markup (only Streams-based embeds were found): nothing is
  // read from the page.
  readsPage: false,
  detectCall: () => null,
  // The CCP relays every shared-worker event to `parent` (src/core.js initSharedWorker:
  // `new Conduit(…, new PortStream(worker.port), new WindowIOStream(window, parent))` and
  // `conduit.onAllUpstream(conduit.passDownstream())`), with target origin '*'. In a tab of its
  // own `parent` is the CCP's own window, so the CCP posts its agent snapshots to itself. A
  // reading of Streams' open source, not tested against a live instance: the deployed CCP
  // bundle may differ (EXPERIMENTAL).
  readOwnMessage: (data) => readAgentUpdate(ID, data),
};
