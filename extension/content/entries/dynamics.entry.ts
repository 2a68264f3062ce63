import { dynamics } from '../crm/dynamics.ts';
import { startContentScript } from '../start.ts';

startContentScript({ name: 'dynamics', adapters: [dynamics] });
