import { liveChat } from '../crm/livechat.ts';
import { startContentScript } from '../start.ts';

startContentScript({ name: 'livechat', adapters: [liveChat] });
