import { dialpad } from '../softphone/dialpad.ts';
import { startSoftphoneScript } from '../softphone/start.ts';

startSoftphoneScript({ name: 'softphone-dialpad', pageAdapters: [dialpad] });
