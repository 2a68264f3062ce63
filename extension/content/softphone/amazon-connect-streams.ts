import type { SoftphoneMessageAdapter } from './types.ts';
import { readAgentUpdate } from './amazon-connect-snapshot.ts';
import { instanceOrigin } from './read.ts';

// Amazon Connect's CCP embedded in another page with amazon-connect-streams
// (`connect.core.initCCP(container, { ccpUrl })`): the CCP iframe relays its agent snapshots to
// that page as `{ event: 'agent::update', data: { snapshot } }` (amazon-connect-snapshot.ts).
// Internal wire format of Streams, observed only, never initiated (EXPERIMENTAL).
//
// Origins: the instance's own, `https://<alias>.my.connect.aws` or, for older instances,
// `https://<alias>.awsapps.com` (AWS docs "Upgrade your CCP when using the Streams API";
// Streams' `isLegacyDomain`; public embeds `ccpUrl: "https://<alias>.awsapps.com/connect/ccp-v2/"`
// and `https://${alias}.my.connect.aws/ccp-v2/`). The alias varies per customer, so the origin
// is checked by shape: https, one label, that domain, no port.
const isNewDomain = instanceOrigin('my.connect.aws');
const isLegacyDomain = instanceOrigin('awsapps.com');

const ID = 'amazon-connect-streams';

export const amazonConnectStreams: SoftphoneMessageAdapter = {
  id: ID,
  acceptsOrigin: (origin) => isNewDomain(origin) || isLegacyDomain(origin),
  readMessage: (data) => readAgentUpdate(ID, data),
};
