import type { Queryable } from '../db/db.ts';

/** A customer as the demo CRM shows one. */
export interface CrmCustomer {
  customer_id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
}

/** The first customers by id, and how many there are in all. */
export async function firstCustomers(
  db: Queryable,
  limit: number,
): Promise<{ customers: CrmCustomer[]; total: number }> {
  const { rows } = await db.query<CrmCustomer & { total: number }>(
    `SELECT customer_id, name, email, phone, count(*) OVER ()::int AS total
     FROM customers ORDER BY customer_id LIMIT $1`,
    [limit],
  );
  return {
    customers: rows.map(({ total: _total, ...customer }) => customer),
    total: rows[0]?.total ?? 0,
  };
}

/** One customer with the ids before and after it, for the page's previous and next links. */
export async function customerWithNeighbours(
  db: Queryable,
  customerId: string,
): Promise<(CrmCustomer & { next: string | null; prev: string | null }) | undefined> {
  const { rows } = await db.query<CrmCustomer & { next: string | null; prev: string | null }>(
    `SELECT c.customer_id, c.name, c.email, c.phone,
       (SELECT customer_id FROM customers WHERE customer_id > c.customer_id ORDER BY customer_id LIMIT 1) AS next,
       (SELECT customer_id FROM customers WHERE customer_id < c.customer_id ORDER BY customer_id DESC LIMIT 1) AS prev
     FROM customers c WHERE c.customer_id = $1`,
    [customerId],
  );
  return rows[0];
}

/** A phone number that more than one customer gives, or null when none is shared. */
export async function sharedPhone(db: Queryable): Promise<string | null> {
  const { rows } = await db.query<{ value: string }>(
    `SELECT value FROM identities WHERE kind = 'phone'
     GROUP BY value HAVING count(DISTINCT customer_id) > 1 ORDER BY value LIMIT 1`,
  );
  return rows[0]?.value ?? null;
}

/** The customer behind ticket n (1-based): the n-th by id, wrapping round; none in an empty CRM. */
export async function ticketRequester(
  db: Queryable,
  ticket: number,
): Promise<CrmCustomer | undefined> {
  const { rows } = await db.query<CrmCustomer>(
    `SELECT customer_id, name, email, phone FROM customers ORDER BY customer_id
     OFFSET ((($1::int - 1) % GREATEST((SELECT count(*) FROM customers), 1))) LIMIT 1`,
    [ticket],
  );
  return rows[0];
}
