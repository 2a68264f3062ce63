import { createHash } from 'node:crypto';
import { z } from 'zod';
import { platformSchema } from '../../contract/calls.ts';
import { parseTimestamp } from '../../scoring/index.ts';
import {
  isEmail,
  normaliseCrmName,
  normaliseEmail,
  normalisePhone,
  normaliseRecordId,
} from '../identity/normalise.ts';

export const importKinds = [
  'customers',
  'identities',
  'transactions',
  'contacts',
  'agents',
] as const;
export type ImportKind = (typeof importKinds)[number];

export interface ImportColumnSpec {
  required: string[];
  optional: string[];
  /** When given (required + optional), any other column is refused; absent for customers. */
  allowed?: string[];
  /** What else a reader of `loopdesk import --help` must know about the columns. */
  note?: string;
}

function spec(
  required: string[],
  optional: string[],
  others: 'refused' | 'attributes',
  note?: string,
): ImportColumnSpec {
  return {
    required,
    optional,
    ...(others === 'refused' ? { allowed: [...required, ...optional] } : {}),
    ...(note ? { note } : {}),
  };
}

/**
 * Columns per kind: the header check and the row schemas below read them, and so does
 * `loopdesk import --help`; `rows.test.ts` pins that the schemas take exactly these.
 */
export const importColumns: Record<ImportKind, ImportColumnSpec> = {
  customers: spec(
    ['customer_id'],
    ['name', 'email', 'phone', 'since'],
    'attributes',
    'any other column is kept as an attribute of the customer',
  ),
  identities: spec(
    ['customer_id', 'kind', 'value'],
    ['crm', 'object_type'],
    'refused',
    'kind: record, email or phone; a record also needs crm and object_type',
  ),
  transactions: spec(['customer_id', 'occurred_at', 'amount'], ['order_id', 'currency'], 'refused'),
  contacts: spec(
    ['contact_id', 'customer_id', 'started_at', 'channel'],
    ['ended_at', 'agent', 'team', 'reason', 'resolved_first_contact', 'csat'],
    'refused',
    "an agent's first row puts them in its team",
  ),
  agents: spec(
    ['agent'],
    ['team', 'telephony_user_id', 'telephony_email', 'platform'],
    'refused',
    'agent: the name on their token; team moves the agent into it (made when new); ' +
      "telephony_user_id, telephony_email: the agent's user id and email on a telephony " +
      "platform, so calls it posts for this user reach the agent's panel; platform: where " +
      'they apply (twilio, aircall, ...; empty: every platform); one row per agent and platform',
  ),
};

export interface RowSettings {
  phoneRegion: string;
  defaultCurrency: string;
}

export interface CellProblem {
  column?: string;
  message: string;
}

const asText = (value: unknown) =>
  typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;

const text = (max: number) => z.preprocess(asText, z.string().trim().min(1).max(max));
const optionalText = (max: number) => text(max).optional();

/** A money amount rounded to cents; null when it is not a number or too large to store. */
export function parseAmount(value: string): number | null {
  const amount = Number(value);
  if (!Number.isFinite(amount) || Math.abs(amount) >= 1e12) return null;
  return Math.round(amount * 100) / 100;
}

export interface TransactionRow {
  customerId: string;
  orderId: string;
  occurredAt: string;
  amount: number;
  currency: string;
}

/** A validated transaction; without an order id the row's own content identifies it. */
export function transactionRow(
  customerId: string,
  occurredAt: Date,
  amount: number,
  orderId: string | undefined,
  currency: string | undefined,
  defaultCurrency: string,
): TransactionRow {
  const finalCurrency = currency ?? defaultCurrency;
  const isoTime = occurredAt.toISOString();
  // So a re-import of a file without order ids matches the rows it wrote the first time.
  const finalOrderId =
    orderId ??
    'h:' +
      createHash('sha256')
        .update(`${isoTime}|${amount.toFixed(2)}|${finalCurrency}`)
        .digest('hex')
        .slice(0, 32);
  return {
    customerId,
    orderId: finalOrderId,
    occurredAt: isoTime,
    amount,
    currency: finalCurrency,
  };
}

const timestamp = z.preprocess(asText, z.string()).transform((value, ctx) => {
  const date = parseTimestamp(value);
  if (!date) {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not an ISO 8601 date or date-time` });
    return z.NEVER;
  }
  return date;
});

const booleanWords: Record<string, boolean> = {
  true: true,
  false: false,
  yes: true,
  no: false,
  y: true,
  n: false,
  '1': true,
  '0': false,
};
const flexibleBoolean = z.preprocess(asText, z.string()).transform((value, ctx) => {
  const parsed = booleanWords[value.trim().toLowerCase()];
  if (parsed === undefined) {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not true/false, yes/no or 1/0` });
    return z.NEVER;
  }
  return parsed;
});

const emailField = text(254).transform((value, ctx) => {
  const email = normaliseEmail(value);
  if (!isEmail(email)) {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not an email address` });
    return z.NEVER;
  }
  return email;
});

const phoneField = (region: string) =>
  text(40).transform((value, ctx) => {
    const phone = normalisePhone(value, region);
    if (!phone) {
      ctx.addIssue({
        code: 'custom',
        message: `"${value}" is not a valid phone number (national numbers are read as ${region})`,
      });
      return z.NEVER;
    }
    return phone;
  });

const customerId = text(200);

/** A telephony user id as `agents map` stores it: an email-shaped id is lower-cased. */
const telephonyUserId = text(320).transform((value) =>
  isEmail(value) ? normaliseEmail(value) : value,
);

const platformName = z.preprocess(asText, z.string().trim()).transform((value, ctx) => {
  if (!platformSchema.safeParse(value).success) {
    ctx.addIssue({
      code: 'custom',
      message:
        `"${value}" is not a platform name: lower-case letters, digits and dashes ` +
        '(twilio, aircall, dialpad, amazon-connect), or empty for every platform',
    });
    return z.NEVER;
  }
  return value;
});

export function rowSchemas(settings: RowSettings) {
  const customerColumns = [
    ...importColumns.customers.required,
    ...importColumns.customers.optional,
  ];
  const customers = z
    .looseObject({
      customer_id: customerId,
      name: optionalText(200),
      email: emailField.optional(),
      phone: phoneField(settings.phoneRegion).optional(),
      since: timestamp.optional(),
    })
    .transform((row) => {
      const attributes: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(row)) {
        if (!customerColumns.includes(key)) attributes[key] = value;
      }
      return {
        customerId: row.customer_id,
        name: row.name ?? null,
        email: row.email ?? null,
        phone: row.phone ?? null,
        since: row.since ? row.since.toISOString().slice(0, 10) : null,
        attributes,
      };
    });

  const identities = z
    .strictObject({
      customer_id: customerId,
      kind: z.preprocess(asText, z.enum(['record', 'email', 'phone'])),
      value: text(254),
      crm: optionalText(40),
      object_type: optionalText(60),
    })
    .superRefine((row, ctx) => {
      if (row.kind !== 'record') return;
      for (const column of ['crm', 'object_type'] as const) {
        if (!row[column]) {
          ctx.addIssue({
            code: 'custom',
            path: [column],
            message: 'is required when kind is record',
          });
        }
      }
    })
    .transform((row, ctx) => {
      let value = row.value;
      if (row.kind === 'email') {
        value = normaliseEmail(row.value);
        if (!isEmail(value)) {
          ctx.addIssue({
            code: 'custom',
            path: ['value'],
            message: `"${row.value}" is not an email address`,
          });
          return z.NEVER;
        }
      } else if (row.kind === 'phone') {
        const phone = normalisePhone(row.value, settings.phoneRegion);
        if (!phone) {
          ctx.addIssue({
            code: 'custom',
            path: ['value'],
            message: `"${row.value}" is not a valid phone number (national numbers are read as ${settings.phoneRegion})`,
          });
          return z.NEVER;
        }
        value = phone;
      } else {
        value = normaliseRecordId(row.value, normaliseCrmName(row.crm!));
      }
      const isRecord = row.kind === 'record';
      return {
        customerId: row.customer_id,
        kind: row.kind,
        crm: isRecord ? normaliseCrmName(row.crm!) : '',
        objectType: isRecord ? normaliseCrmName(row.object_type!) : '',
        value,
      };
    });

  const transactions = z
    .strictObject({
      customer_id: customerId,
      occurred_at: timestamp,
      amount: z.preprocess(asText, z.string()).transform((value, ctx) => {
        const amount = parseAmount(value);
        if (amount === null) {
          ctx.addIssue({ code: 'custom', message: `"${value}" is not an amount` });
          return z.NEVER;
        }
        return amount;
      }),
      order_id: optionalText(200),
      currency: z
        .preprocess(
          asText,
          z
            .string()
            .trim()
            .regex(/^[A-Za-z]{3}$/, 'must be a 3-letter ISO 4217 code'),
        )
        .transform((code) => code.toUpperCase())
        .optional(),
    })
    .transform((row) =>
      transactionRow(
        row.customer_id,
        row.occurred_at,
        row.amount,
        row.order_id,
        row.currency,
        settings.defaultCurrency,
      ),
    );

  const contacts = z
    .strictObject({
      contact_id: text(200),
      customer_id: customerId,
      started_at: timestamp,
      channel: text(40).transform((value) => value.toLowerCase()),
      ended_at: timestamp.optional(),
      agent: optionalText(200),
      team: optionalText(200),
      reason: optionalText(200),
      resolved_first_contact: flexibleBoolean.optional(),
      csat: z
        .preprocess(asText, z.string())
        .transform((value, ctx) => {
          const score = Number(value);
          if (!Number.isInteger(score) || score < 1 || score > 5) {
            ctx.addIssue({
              code: 'custom',
              message: `"${value}" is not a whole number from 1 to 5`,
            });
            return z.NEVER;
          }
          return score;
        })
        .optional(),
    })
    .superRefine((row, ctx) => {
      if (row.ended_at && row.ended_at < row.started_at) {
        ctx.addIssue({ code: 'custom', path: ['ended_at'], message: 'is before started_at' });
      }
    })
    .transform((row) => ({
      contactId: row.contact_id,
      customerId: row.customer_id,
      startedAt: row.started_at.toISOString(),
      channel: row.channel,
      endedAt: row.ended_at?.toISOString() ?? null,
      agent: row.agent ?? null,
      team: row.team ?? null,
      reason: row.reason ?? null,
      resolvedFirstContact: row.resolved_first_contact ?? null,
      csat: row.csat ?? null,
    }));

  const agents = z
    .strictObject({
      agent: text(200),
      team: optionalText(200),
      telephony_user_id: telephonyUserId.optional(),
      telephony_email: emailField.optional(),
      platform: platformName.optional(),
    })
    .superRefine((row, ctx) => {
      if (row.platform && !row.telephony_user_id && !row.telephony_email) {
        ctx.addIssue({
          code: 'custom',
          path: ['platform'],
          message: 'applies to telephony_user_id and telephony_email, and the row has neither',
        });
      }
    })
    .transform((row) => ({
      agent: row.agent,
      team: row.team ?? null,
      // '' maps the values on every platform, as agent_telephony_ids stores it.
      platform: row.platform ?? '',
      telephonyUserId: row.telephony_user_id ?? null,
      telephonyEmail: row.telephony_email ?? null,
    }));

  return { customers, identities, transactions, contacts, agents };
}

type RowSchemas = ReturnType<typeof rowSchemas>;
export type CustomerRow = z.output<RowSchemas['customers']>;
export type IdentityRow = z.output<RowSchemas['identities']>;
export type ContactRow = z.output<RowSchemas['contacts']>;
export type AgentRow = z.output<RowSchemas['agents']>;

/** Zod issues in words for a person fixing a file. */
export function describeIssues(error: z.ZodError): CellProblem[] {
  return error.issues.map((issue) => {
    const column = issue.path.length ? String(issue.path[0]) : undefined;
    let message = issue.message;
    if (issue.code === 'invalid_type' && /received undefined/.test(message))
      message = 'is required';
    if (issue.code === 'unrecognized_keys') {
      return { message: `unknown column(s): ${issue.keys.join(', ')}` };
    }
    return column === undefined ? { message } : { column, message };
  });
}
