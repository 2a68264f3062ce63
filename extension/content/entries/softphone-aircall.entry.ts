import { aircall } from '../softphone/aircall.ts';
import { startSoftphoneScript } from '../softphone/start.ts';

startSoftphoneScript({ name: 'softphone-aircall', pageAdapters: [aircall] });
