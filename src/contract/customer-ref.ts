import { z } from 'zod';
import { customerRefLimits as limits } from './customer-ref-limits.ts';

const bounded = (field: keyof typeof limits) =>
  z.string().min(limits[field].min).max(limits[field].max);

/**
 * The fields that name a customer, under the names `GET /v1/insights` reads them: the CRM, the
 * record's type and id, an email, a phone, and the ticket or case as context.
 */
export const customerLookupFields = {
  crm: bounded('crm'),
  type: bounded('type'),
  id: bounded('id'),
  email: bounded('email'),
  phone: bounded('phone'),
  /** The ticket or case the CSR is working on, sent along as context only. */
  context: bounded('context'),
};

/**
 * What a content script saw on a CRM page. Page content is untrusted: every field is bounded
 * and validated by the service worker before it is used or sent anywhere. Its fields keep the
 * names of the insights query it becomes.
 */
export const customerRefSchema = z.strictObject({
  crm: customerLookupFields.crm,
  type: customerLookupFields.type,
  id: customerLookupFields.id.optional(),
  email: customerLookupFields.email.optional(),
  phone: customerLookupFields.phone.optional(),
  displayName: bounded('displayName').optional(),
  context: customerLookupFields.context.optional(),
});
export type CustomerRef = z.infer<typeof customerRefSchema>;
