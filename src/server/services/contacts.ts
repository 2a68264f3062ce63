import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { audit } from '../audit.ts';
import type { Db } from '../db/db.ts';
import { HttpProblem } from '../http/problem.ts';
import { writeContacts } from '../import/writers.ts';

/** `POST /v1/contacts`: a contact the CSR just handled; the agent is the token's. */
export const contactCreateSchema = z.strictObject({
  contactId: z.string().min(1).max(200).optional(),
  customerId: z.string().min(1).max(200),
  channel: z.string().min(1).max(40),
  startedAt: z.iso.datetime({ offset: true }),
  endedAt: z.iso.datetime({ offset: true }).optional(),
  team: z.string().min(1).max(200).optional(),
  reason: z.string().min(1).max(200).optional(),
  resolvedFirstContact: z.boolean().optional(),
  csat: z.number().int().min(1).max(5).optional(),
});
export type ContactCreate = z.infer<typeof contactCreateSchema>;

export const contactCreatedSchema = z.object({ contactId: z.string(), created: z.boolean() });

export async function createContact(
  db: Db,
  input: ContactCreate,
  agent: string,
): Promise<z.infer<typeof contactCreatedSchema>> {
  const contactId = input.contactId ?? randomUUID();
  return db.transaction(async (tx) => {
    const known = await tx.query('SELECT 1 FROM customers WHERE customer_id = $1', [
      input.customerId,
    ]);
    if (!known.rows.length) {
      throw new HttpProblem(404, 'Unknown customer', `No customer has id "${input.customerId}".`);
    }
    const counts = await writeContacts(tx, [
      {
        contactId,
        customerId: input.customerId,
        channel: input.channel.toLowerCase(),
        startedAt: new Date(input.startedAt).toISOString(),
        endedAt: input.endedAt ? new Date(input.endedAt).toISOString() : null,
        agent,
        team: input.team ?? null,
        reason: input.reason ?? null,
        resolvedFirstContact: input.resolvedFirstContact ?? null,
        csat: input.csat ?? null,
      },
    ]);
    await audit(tx, {
      actor: agent,
      action: 'contact.create',
      target: contactId,
      details: { customerId: input.customerId, inserted: counts.inserted, updated: counts.updated },
    });
    return { contactId, created: counts.inserted === 1 };
  });
}
