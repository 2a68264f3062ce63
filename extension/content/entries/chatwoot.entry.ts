import { chatwoot } from '../crm/chatwoot.ts';
import { startContentScript } from '../start.ts';

startContentScript({ name: 'chatwoot', adapters: [chatwoot] });
