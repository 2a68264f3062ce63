import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { timestampSchema } from '../../contract/index.ts';
import { audit } from '../audit/store.ts';
import type { Db } from '../db/db.ts';
import { ForbiddenError, NotFoundError } from '../errors.ts';

/** `POST /v1/contacts`: a contact the CSR just handled; the agent is the token's. */
export const contactCreateSchema = z.strictObject({
  contactId: z.string().min(1).max(200).optional(),
  customerId: z.string().min(1).max(200),
  channel: z.string().min(1).max(40),
  startedAt: timestampSchema,
  endedAt: timestampSchema.optional(),
  /** The contact's own team label: the agent's own team. Never changes the agent's membership. */
  team: z.string().min(1).max(200).optional(),
  reason: z.string().min(1).max(200).optional(),
  resolvedFirstContact: z.boolean().optional(),
  csat: z.number().int().min(1).max(5).optional(),
});
export type ContactCreate = z.infer<typeof contactCreateSchema>;

export const contactCreatedSchema = z.object({ contactId: z.string(), created: z.boolean() });

/**
 * Stores or corrects a contact. A contact belongs to whoever wrote it first: the agent who
 * posted it, or an import (created_by NULL); only that agent may change it through this route
 * (imports upsert any contact by id). The agent's team is admin data (imports,
 * PUT /v1/supervisor/teams), so `team` here is only the contact's label and must name the
 * agent's own team.
 */
export async function createContact(
  db: Db,
  input: ContactCreate,
  agent: string,
): Promise<z.infer<typeof contactCreatedSchema>> {
  const contactId = input.contactId ?? randomUUID();
  return db.transaction(async (tx) => {
    const customer = (
      await tx.query<{ id: string }>('SELECT id::text FROM customers WHERE customer_id = $1', [
        input.customerId,
      ])
    ).rows[0];
    if (!customer) {
      throw new NotFoundError('Unknown customer', `No customer has id "${input.customerId}".`);
    }
    let teamId: string | null = null;
    if (input.team !== undefined) {
      const team = (
        await tx.query<{ id: string; mine: boolean }>(
          `SELECT t.id::text, EXISTS (SELECT 1 FROM agents a WHERE a.name = $2 AND a.team_id = t.id)
             AS mine
           FROM teams t WHERE t.name = $1`,
          [input.team, agent],
        )
      ).rows[0];
      if (!team) {
        throw new NotFoundError(
          'Unknown team',
          `No team is named "${input.team}"; teams come from an administrator's imports.`,
        );
      }
      // A label naming another team would count this agent's contact in that team's KPIs.
      if (!team.mine) {
        throw new ForbiddenError(
          'Not your team',
          `You are not a member of "${input.team}"; a contact can only carry its agent's own team.`,
        );
      }
      teamId = team.id;
    }
    // The agents row only gives the contact an agent; its team_id is never written here.
    await tx.query('INSERT INTO agents (name) VALUES ($1) ON CONFLICT (name) DO NOTHING', [agent]);
    const { rows } = await tx.query<{ inserted: boolean }>(
      `INSERT INTO contacts AS k (contact_id, customer_id, channel, started_at, ended_at,
         agent_id, team_id, reason, resolved_first_contact, csat, created_by)
       SELECT $1, $2::bigint, $3, $4::timestamptz, $5::timestamptz, a.id, $6::bigint, $7,
         $8::boolean, $9::smallint, a.name
       FROM agents a WHERE a.name = $10
       ON CONFLICT (contact_id) DO UPDATE SET
         customer_id = EXCLUDED.customer_id, channel = EXCLUDED.channel,
         started_at = EXCLUDED.started_at, ended_at = EXCLUDED.ended_at,
         agent_id = EXCLUDED.agent_id, team_id = EXCLUDED.team_id, reason = EXCLUDED.reason,
         resolved_first_contact = EXCLUDED.resolved_first_contact, csat = EXCLUDED.csat
       WHERE k.created_by = EXCLUDED.created_by
       RETURNING (xmax = 0) AS inserted`,
      [
        contactId,
        customer.id,
        input.channel.toLowerCase(),
        new Date(input.startedAt).toISOString(),
        input.endedAt ? new Date(input.endedAt).toISOString() : null,
        teamId,
        input.reason ?? null,
        input.resolvedFirstContact ?? null,
        input.csat ?? null,
        agent,
      ],
    );
    const written = rows[0];
    if (!written) {
      // Another agent's or an import's contact. 403, not 409: who may write it is settled;
      // nothing the caller can change about the request makes it theirs.
      throw new ForbiddenError(
        'Not your contact',
        `The contact "${contactId}" was recorded by another agent or by an import; ` +
          'only they can change it.',
      );
    }
    const inserted = written.inserted ? 1 : 0;
    await audit(tx, {
      actor: agent,
      action: 'contact.create',
      target: contactId,
      details: { customerId: input.customerId, inserted, updated: 1 - inserted },
    });
    return { contactId, created: written.inserted };
  });
}
