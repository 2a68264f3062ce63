import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { takeCallEvent, type CallDeps } from '../calls/call-intake.ts';
import type { Db } from '../db/db.ts';
import { NotFoundError } from '../errors.ts';
import {
  customerWithNeighbours,
  firstCustomers,
  sharedPhone,
  ticketRequester,
  type CrmCustomer,
} from './crm-store.ts';
import { demoCallSchema } from './demo-phone.ts';
import { demoCsrName } from './start-tokens.ts';

/** Escapes text for HTML bodies and attribute values: every shown value comes from data. */
function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"'`]/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** Ticket numbers past the customers: a shared-phone caller (ambiguous) and a stranger (unknown). */
const ambiguousTicket = 1000;
const unknownTicket = 1001;
const customerTickets = 999;

function page(reply: FastifyReply, title: string, main: string, status = 200) {
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('content-security-policy', "default-src 'self'; style-src 'self' 'unsafe-inline'")
    .send(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Demo CRM</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 0; color: #1d2433; background: #f6f7f9; }
  header { background: #243b6b; color: #fff; padding: 0.75rem 1.5rem; }
  header a { color: #fff; }
  main { padding: 1.5rem; max-width: 60rem; }
  dl { display: grid; grid-template-columns: 8rem 1fr; gap: 0.4rem 1rem; }
  dt { font-weight: 600; }
  table { border-collapse: collapse; }
  td, th { padding: 0.25rem 0.75rem; border-bottom: 1px solid #d8dce3; text-align: left; }
  .requester { background: #fff; border: 1px solid #d8dce3; padding: 1rem; border-radius: 6px; }
</style>
<link rel="icon" href="/demo/favicon.svg" type="image/svg+xml">
<script src="/demo/app.js" defer></script>
</head>
<body>
<header><a href="/demo">Demo CRM</a> (bundled with LoopDesk so the extension has a CRM to read)</header>
${main}
</body>
</html>`);
}

/** Values the CRM does not have are left out, as real CRMs do, rather than shown empty. */
function fields(customer: Pick<CrmCustomer, 'name' | 'email' | 'phone'>): string {
  const rows = (['name', 'email', 'phone'] as const)
    .filter((field) => customer[field])
    .map(
      (field) =>
        `  <dt>${field[0]!.toUpperCase()}${field.slice(1)}</dt><dd data-field="${field}">${escapeHtml(customer[field])}</dd>`,
    );
  return `<dl>\n${rows.join('\n')}\n</dl>`;
}

/** Navigates in place (pushState + swapping <main>) so the extension sees single-page-app navigation. */
export const spaScript = `'use strict';
async function swapTo(href, push) {
  const response = await fetch(href, { headers: { accept: 'text/html' } });
  const doc = new DOMParser().parseFromString(await response.text(), 'text/html');
  const next = doc.querySelector('main');
  const current = document.querySelector('main');
  if (!next || !current) { location.href = href; return; }
  current.replaceWith(document.importNode(next, true));
  document.title = doc.title;
  if (push) history.pushState({}, '', href);
}
document.addEventListener('click', (event) => {
  const link = event.target instanceof Element ? event.target.closest('a[data-spa]') : null;
  if (!link || event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
  event.preventDefault();
  swapTo(link.getAttribute('href'), true);
});
window.addEventListener('popstate', () => swapTo(location.pathname + location.search, false));
// The demo phone: rings the demo CSR with a call from the customer on screen, as a telephony
// platform would (POST /demo/calls; the backend tells the CSR's panel over its event stream).
let demoCall = null;
document.addEventListener('click', async (event) => {
  const button = event.target instanceof Element ? event.target.closest('button[data-demo-call]') : null;
  if (!button) return;
  const state = button.getAttribute('data-demo-call');
  const customerId = button.closest('[data-customer-id]')?.getAttribute('data-customer-id');
  if (state === 'ringing') demoCall = 'demo-' + Date.now().toString(36);
  if (!demoCall || !customerId) return;
  const status = document.querySelector('[data-demo-phone-status]');
  const response = await fetch('/demo/calls', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ callId: demoCall, customerId, state }),
  });
  if (status) {
    status.textContent = response.ok
      ? { ringing: 'Ringing the demo CSR…', connected: 'On the call.', ended: 'Call ended.' }[state]
      : 'The demo phone could not place the call (' + response.status + ').';
  }
  if (state === 'ended') demoCall = null;
});
`;

/** Declared by every page: without one the browser asks for /favicon.ico and logs its 404. */
const faviconSvg =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16">' +
  '<rect width="16" height="16" rx="3" fill="#243b6b"/>' +
  '<path d="M5 3v10h6" stroke="#fff" stroke-width="2" fill="none"/></svg>';

/** The demo phone on a customer's page: a call from them to the demo CSR, step by step. */
const demoPhone = `<section class="requester" aria-labelledby="demo-phone">
<h2 id="demo-phone">Demo phone</h2>
<p>Ring ${escapeHtml(demoCsrName)} with a call from this customer, as your telephony platform
would: the LoopDesk panel shows the caller while it rings.</p>
<button type="button" data-demo-call="ringing">Ring</button>
<button type="button" data-demo-call="connected">Answer</button>
<button type="button" data-demo-call="ended">Hang up</button>
<p data-demo-phone-status role="status"></p>
</section>`;

export function demoRoutes(app: FastifyInstance, db: Db, calls: CallDeps): void {
  const config = { role: 'public' as const };
  const schema = { hide: true };

  app.get('/demo/app.js', { config, schema }, async (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').send(spaScript),
  );

  // Public like the rest of the demo CRM (served only with the demo data): it can ring the demo
  // CSR and nobody else, with the number of a customer the demo CRM shows anyway.
  app
    .withTypeProvider<ZodTypeProvider>()
    .post(
      '/demo/calls',
      { config, schema: { hide: true, body: demoCallSchema } },
      async (request, reply) => {
        const customer = await customerWithNeighbours(db, request.body.customerId);
        if (!customer?.phone) {
          throw new NotFoundError(
            'Unknown customer',
            `The demo CRM has no customer "${request.body.customerId}" with a phone number.`,
          );
        }
        const recorded = await takeCallEvent(
          calls,
          request.log,
          {
            callId: request.body.callId,
            agent: demoCsrName,
            from: customer.phone,
            state: request.body.state,
            platform: 'demo-phone',
          },
          { kind: 'integration', name: 'demo-phone' },
        );
        return reply.code(202).send(recorded.accepted);
      },
    );

  app.get('/demo/favicon.svg', { config, schema }, async (_request, reply) =>
    reply.type('image/svg+xml').send(faviconSvg),
  );

  app.get('/demo', { config, schema }, async (_request, reply) => {
    const { customers: rows, total } = await firstCustomers(db, 100);
    const list = rows
      .map(
        (c) =>
          `<tr><td><a href="/demo/customers/${encodeURIComponent(c.customer_id)}">${escapeHtml(c.customer_id)}</a></td>` +
          `<td>${escapeHtml(c.name)}</td><td>${escapeHtml(c.email)}</td><td>${escapeHtml(c.phone)}</td></tr>`,
      )
      .join('\n');
    return page(
      reply,
      'Customers',
      `<main data-demo-page="list">
<h1>Customers</h1>
<p>${total} customers${total > rows.length ? `, the first ${rows.length} shown` : ''}.
Tickets: <a href="/demo/tickets/1">ticket 1</a>, <a href="/demo/tickets/2">ticket 2</a>,
<a href="/demo/tickets/${ambiguousTicket}">a caller on a shared phone</a>,
<a href="/demo/tickets/${unknownTicket}">a caller we do not know</a>.
Chats: <a href="/demo/chats/1">the chat console</a>, three conversations at once.</p>
${total ? '' : '<p>No customers yet: start the server with --seed-demo or import some.</p>'}
<table><thead><tr><th>Id</th><th>Name</th><th>Email</th><th>Phone</th></tr></thead>
<tbody>${list}</tbody></table>
</main>`,
    );
  });

  app.get<{ Params: { customerId: string } }>(
    '/demo/customers/:customerId',
    { config, schema },
    async (request, reply) => {
      const { customerId } = request.params;
      const customer = await customerWithNeighbours(db, customerId);
      const mainOpen = `<main data-demo-page="customer" data-customer-id="${escapeHtml(customerId)}">`;
      if (!customer) {
        return page(
          reply,
          'Unknown customer',
          `${mainOpen}\n<h1>No customer ${escapeHtml(customerId)} in the demo CRM</h1>\n</main>`,
          404,
        );
      }
      const link = (id: string | null, label: string) =>
        id ? `<a data-spa href="/demo/customers/${encodeURIComponent(id)}">${label}</a>` : '';
      return page(
        reply,
        customer.name ?? customer.customer_id,
        `${mainOpen}
<h1>${escapeHtml(customer.name ?? customer.customer_id)}</h1>
<p>Customer ${escapeHtml(customer.customer_id)}</p>
${fields(customer)}
<nav>${link(customer.prev, 'Previous customer')} ${link(customer.next, 'Next customer')}</nav>
${customer.phone ? demoPhone : ''}
</main>`,
      );
    },
  );

  // The demo chat console: several open conversations, one focused; the list switches in place
  // (the SPA script above), as chat consoles do. Two are demo customers', the third a website
  // visitor who has given nothing that names them.
  app.get<{ Params: { conversationId: string } }>(
    '/demo/chats/:conversationId',
    { config, schema },
    async (request, reply) => {
      const focused = Number(request.params.conversationId);
      const mainOpen = `<main data-demo-page="chat" data-conversation-id="${escapeHtml(request.params.conversationId)}">`;
      const [first, second] = [await ticketRequester(db, 3), await ticketRequester(db, 4)];
      if (!first || !second) {
        return page(reply, 'Empty CRM', `${mainOpen}<h1>No customers yet</h1></main>`, 404);
      }
      const conversations = [
        { id: 1, person: first, message: 'Hi! My last invoice looks higher than usual, why?' },
        { id: 2, person: second, message: 'Can I add a second line to my plan?' },
        {
          id: 3,
          person: { name: 'Website visitor', email: null, phone: null },
          message: 'Hello, do you deliver on Saturdays?',
        },
      ];
      const conversation = conversations.find((c) => c.id === focused);
      if (!conversation) {
        return page(reply, 'Unknown chat', `${mainOpen}<h1>No such chat</h1></main>`, 404);
      }
      const list = conversations
        .map(
          (c) =>
            `<li><a data-spa href="/demo/chats/${c.id}"${c.id === focused ? ' aria-current="page"' : ''}>${escapeHtml(c.person.name)}</a></li>`,
        )
        .join('');
      return page(
        reply,
        `Chat with ${conversation.person.name ?? 'a customer'}`,
        `${mainOpen}
<h1>Chats</h1>
<nav aria-label="Open conversations"><ul>${list}</ul></nav>
<section aria-label="Conversation"><p>${escapeHtml(conversation.message)}</p></section>
<section class="requester">
<h2>Contact</h2>
${fields(conversation.person)}
</section>
</main>`,
      );
    },
  );

  app.get<{ Params: { ticketId: string } }>(
    '/demo/tickets/:ticketId',
    { config, schema },
    async (request, reply) => {
      const ticket = Number(request.params.ticketId);
      const mainOpen = `<main data-demo-page="ticket" data-ticket-id="${escapeHtml(request.params.ticketId)}">`;
      if (!Number.isInteger(ticket) || ticket < 1 || ticket > unknownTicket) {
        return page(reply, 'Unknown ticket', `${mainOpen}<h1>No such ticket</h1></main>`, 404);
      }
      let requester: Pick<CrmCustomer, 'name' | 'email' | 'phone'> | undefined;
      let subject = 'Question about my last order';
      if (ticket === ambiguousTicket) {
        requester = { name: 'Caller on a shared line', email: null, phone: await sharedPhone(db) };
        subject = 'Caller gave only a household phone number';
      } else if (ticket === unknownTicket) {
        requester = { name: 'Pat Newcomer', email: 'pat.newcomer@example.net', phone: null };
        subject = 'First time contacting us';
      } else {
        requester = await ticketRequester(db, ticket);
      }
      if (!requester) {
        return page(reply, 'Empty CRM', `${mainOpen}<h1>No customers yet</h1></main>`, 404);
      }
      const nextTicket = ticket >= customerTickets ? 1 : ticket + 1;
      return page(
        reply,
        `Ticket #${ticket}`,
        `${mainOpen}
<h1>Ticket #${ticket}: ${escapeHtml(subject)}</h1>
<section class="requester">
<h2>Requester</h2>
${fields(requester)}
</section>
<nav><a data-spa href="/demo/tickets/${nextTicket}">Next ticket</a></nav>
</main>`,
      );
    },
  );
}
