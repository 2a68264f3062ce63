import { z } from 'zod';

/**
 * What a chat console's close webhook answers (`POST /v1/webhooks/{intercom,chatwoot}`): the
 * conversation it closed, as `GET /v1/insights?conversation=` names it, and the chat contact it
 * became, or null when LoopDesk never showed that conversation.
 */
export const conversationClosedSchema = z.object({
  conversation: z.string(),
  contact: z.string().nullable(),
});
export type ConversationClosed = z.infer<typeof conversationClosedSchema>;
