import { z } from 'zod';

/**
 * What a content script saw on a CRM page. Page content is untrusted: every field is bounded
 * and validated by the service worker before it is used or sent anywhere.
 */
export const customerRefSchema = z.strictObject({
  crm: z.string().min(1).max(40),
  objectType: z.string().min(1).max(60),
  recordId: z.string().min(1).max(200).optional(),
  email: z.string().min(3).max(254).optional(),
  phone: z.string().min(3).max(40).optional(),
  displayName: z.string().min(1).max(200).optional(),
  /** The ticket or case the CSR is working on, sent along as context only. */
  contextId: z.string().min(1).max(200).optional(),
});
export type CustomerRef = z.infer<typeof customerRefSchema>;
