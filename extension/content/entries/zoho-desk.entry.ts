import { zohoDesk } from '../crm/zoho-desk.ts';
import { startContentScript } from '../start.ts';

startContentScript({ name: 'zoho-desk', adapters: [zohoDesk] });
