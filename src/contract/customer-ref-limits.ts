/**
 * Length bounds of the fields that name a customer, shared by the customer ref a content script
 * reports and the `GET /v1/insights` query it becomes. Plain numbers, no zod: the content script
 * checks them without loading a schema library.
 */
export const customerRefLimits = {
  crm: { min: 1, max: 40 },
  type: { min: 1, max: 60 },
  id: { min: 1, max: 200 },
  email: { min: 3, max: 254 },
  phone: { min: 3, max: 40 },
  displayName: { min: 1, max: 200 },
  context: { min: 1, max: 200 },
} as const;
