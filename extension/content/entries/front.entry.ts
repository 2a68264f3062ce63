import { front } from '../crm/front.ts';
import { startContentScript } from '../start.ts';

startContentScript({ name: 'front', adapters: [front] });
