import { ringcentral } from '../softphone/ringcentral.ts';
import { startSoftphoneScript } from '../softphone/start.ts';

startSoftphoneScript({ name: 'softphone-ringcentral', pageAdapters: [ringcentral] });
