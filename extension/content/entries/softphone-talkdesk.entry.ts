import { talkdesk } from '../softphone/talkdesk.ts';
import { startSoftphoneScript } from '../softphone/start.ts';

startSoftphoneScript({ name: 'softphone-talkdesk', pageAdapters: [talkdesk] });
