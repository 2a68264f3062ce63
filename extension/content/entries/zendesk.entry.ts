import { zendesk } from '../crm/zendesk.ts';
import { startContentScript } from '../start.ts';

startContentScript({ name: 'zendesk', adapters: [zendesk] });
