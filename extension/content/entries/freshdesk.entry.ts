import { freshdesk } from '../crm/freshdesk.ts';
import { startContentScript } from '../start.ts';

startContentScript({ name: 'freshdesk', adapters: [freshdesk] });
