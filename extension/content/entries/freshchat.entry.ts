import { freshchat } from '../crm/freshchat.ts';
import { startContentScript } from '../start.ts';

startContentScript({ name: 'freshchat', adapters: [freshchat] });
