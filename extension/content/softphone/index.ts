import type { SoftphoneMessageAdapter, SoftphonePageAdapter } from './types.ts';
import type { MessageSoftphoneId, PageSoftphoneId } from '../../shared/softphone-catalogue.ts';
import { amazonConnect } from './amazon-connect.ts';
import { aircall } from './aircall.ts';
import { dialpad } from './dialpad.ts';
import { twilioFlex } from './twilio-flex.ts';
import { genesysCloud } from './genesys-cloud.ts';
import { ringcentral } from './ringcentral.ts';
import { talkdesk } from './talkdesk.ts';
import { aircallEverywhere } from './aircall-everywhere.ts';
import { dialpadCti } from './dialpad-cti.ts';
import { ringcentralEmbeddable } from './ringcentral-embeddable.ts';
import { amazonConnectStreams } from './amazon-connect-streams.ts';

// One adapter per catalogue entry and none besides: the mapped types make a missing adapter or
// one with no catalogue entry a compile error (a test pins that each adapter carries its key).
// Entries import their adapters directly; this map is for the tests.
export const pageAdaptersById: { readonly [Id in PageSoftphoneId]: SoftphonePageAdapter } = {
  'amazon-connect': amazonConnect,
  aircall,
  dialpad,
  'twilio-flex': twilioFlex,
  'genesys-cloud': genesysCloud,
  ringcentral,
  talkdesk,
};

export const messageAdaptersById: {
  readonly [Id in MessageSoftphoneId]: SoftphoneMessageAdapter;
} = {
  'aircall-everywhere': aircallEverywhere,
  'dialpad-cti': dialpadCti,
  'ringcentral-embeddable': ringcentralEmbeddable,
  'amazon-connect-streams': amazonConnectStreams,
};
