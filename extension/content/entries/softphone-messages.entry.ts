import { aircallEverywhere } from '../softphone/aircall-everywhere.ts';
import { dialpadCti } from '../softphone/dialpad-cti.ts';
import { ringcentralEmbeddable } from '../softphone/ringcentral-embeddable.ts';
import { amazonConnectStreams } from '../softphone/amazon-connect-streams.ts';
import { startSoftphoneScript } from '../softphone/start.ts';

// Every embedded softphone's messages in one file: each adapter reads only its own origins.
startSoftphoneScript({
  name: 'softphone-messages',
  messageAdapters: [aircallEverywhere, dialpadCti, ringcentralEmbeddable, amazonConnectStreams],
});
