import type { SoftphonePageAdapter } from './types.ts';
import { genesysCloudAppHosts } from '../../shared/softphone-catalogue.ts';

// Genesys Cloud's agent app on its regional host, `https://apps.<region domain>/…`: the region
// domains of Genesys's own SDK (MyPureCloud/platform-client-sdk-javascript
// PureCloudRegionHosts.js@183b06c8), `apps.` as in `https://apps.mypurecloud.com/crm/index.html`
// (AgnesCorpuz/embedded-crm-pef-example) and `https://apps.usw2.pure.cloud/genesys-bootstrap/…`
// (qb779/webmessaging).
//
// URL ONLY. No public code reads the app's markup. The Embeddable Framework's messages to an
// embedding page are written by each customer's own framework.js (Genesys's sample posts JSON
// strings `{"type":"interactionSubscription",…}`), not by Genesys: not read here. Calls reach
// LoopDesk only through the backend's calls API.
const HOSTS: ReadonlySet<string> = new Set(genesysCloudAppHosts);

export const genesysCloud: SoftphonePageAdapter = {
  id: 'genesys-cloud',
  matches: (url) => url.protocol === 'https:' && !url.port && HOSTS.has(url.hostname),
  readsPage: false,
  detectCall: () => null,
};
