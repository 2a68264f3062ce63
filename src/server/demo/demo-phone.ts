import { z } from 'zod';
import { callStates } from '../../contract/calls.ts';

/** `POST /demo/calls`: the demo phone's step of one call from a demo CRM customer. */
export const demoCallSchema = z.strictObject({
  callId: z.string().regex(/^demo-[a-z0-9]{1,20}$/),
  customerId: z.string().min(1).max(200),
  state: z.enum(callStates),
});
