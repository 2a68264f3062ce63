import type { CrmAdapter } from './types.ts';
import { boundedId, boundedName, cleanText, makeRef, requesterRef } from './read.ts';
import { zohoDeskHosts } from '../../shared/crm-catalogue.ts';

// Zoho Desk's agent interface on its regional hosts (the catalogue's `zohoDeskHosts`, also
// manifest.json's optional_host_permissions; the evidence for each host is beside that list).
//
// No API lookup: Zoho Desk's REST API wants an OAuth token and the organization's id in every
// request ("All Zoho Desk APIs require these two mandatory fields in the header. 1.
// Authorization - Authentication request token 2. orgId", desk.zoho.com/DeskAPIDocument,
// "Getting Started"; the token is `Zoho-oauthtoken <access token>` from Zoho's OAuth 2.0 flow).
// The agent page sends neither with a plain same-origin GET, and the orgId is not in the
// address (the path names the portal, not the organization). The web app's own calls go to an
// undocumented /supportapi/zd/<portal>/api/v1/... with extra headers (lavahasif/
// Zohoticketexporter background.js copies them), which is no documented API to rely on. One
// public extension tries the documented /api/v1/tickets/<id> with the agent's cookies and an
// orgId header from its own configuration (KB-iGOT/zoho-plugin-uv src/utils.py); nothing
// documents that this works, and the orgId would still have to come from somewhere.
//
// URL forms (each with a unit test):
// - /agent/<portal>/<department>/tickets/details/<id>: the ticket page of the current UI (public
//   code linking tickets so: /agent/vomevolunteer/vomevolunteer/tickets/details/<id>,
//   /agent/<portal>/all/tickets/details/<id>, found by code search; a ticket-page extension
//   matching it: KB-iGOT/zoho-plugin-uv extn/manifest.json `https://desk.zoho.in/agent/*/tickets/
//   details/*`, extn/content.js reading the id with `tickets\/details\/(\d+)`).
// - /agent/<portal>/tickets/details/<id>: the same without a department segment (public code
//   builds such links, e.g. `desk.zoho.com/agent/${orgId}/tickets/details/${id}`, found by code
//   search; KB-iGOT's `agent/*/tickets/details/*` match covers it too).
// - /agent/<portal>[/<department>]/contacts/details/<id>: a contact's page. guess (no public
//   evidence): named like the ticket page; kept because the contact id is the record itself.
// - /support/<portal>/ShowHomePage.do#Cases/dv/<id> and #Contacts/dv/<id>: the classic
//   interface, the id after the hash. Zoho's API answers give these as a record's `webUrl`
//   (DeskAPIDocument "Get a ticket" and "List contacts" examples, as mirrored at
//   developers.qodex.ai/zoho-desk: https://desk.zoho.com/support/zylker/ShowHomePage.do
//   #Cases/dv/d126330f...), where the id is either the record's numeric id
//   (real answers quoted in public code, e.g. .../ShowHomePage.do#Cases/dv/134512000007784001)
//   or a 48-hex permalink key that is not the record id (the docs' example beside contact id
//   1892000000772003). A numeric contact id is the record; a permalink key is only context.
const HOSTS = new Set<string>(zohoDeskHosts);
const SEGMENT = '[^/]{1,100}';
const DETAILS_PATH = new RegExp(
  `^/agent/${SEGMENT}(?:/${SEGMENT})?/(tickets|contacts)/details/(\\d{1,25})/?$`,
);
const CLASSIC_PATH = new RegExp(`^/support/${SEGMENT}/ShowHomePage\\.do$`);
const CLASSIC_HASH = /^#(Cases|Contacts)\/dv\/(\d{1,25}|[0-9a-f]{16,64})(?:\/[^?#]*)?$/i;
const NUMERIC = /^\d{1,25}$/;

interface Address {
  kind: 'ticket' | 'contact';
  id: string;
}

/** The record the address names, in the current or the classic interface. */
function address(url: URL): Address | null {
  const current = DETAILS_PATH.exec(url.pathname);
  if (current?.[2]) {
    return { kind: current[1] === 'contacts' ? 'contact' : 'ticket', id: current[2] };
  }
  if (!CLASSIC_PATH.test(url.pathname)) return null;
  const classic = CLASSIC_HASH.exec(url.hash);
  if (!classic?.[2]) return null;
  return { kind: classic[1]?.toLowerCase() === 'contacts' ? 'contact' : 'ticket', id: classic[2] };
}

// guess (no public evidence): on a ticket page, the ticket's contact is a link to the contact's
// page (the address forms above), its text the contact's name. No public code reads the Zoho
// Desk ticket page's markup; detection health counts the misses if this guess is wrong.
const CONTACT_LINKS = 'a[href*="/contacts/details/"], a[href*="#Contacts/dv/"]';

/** The first contact link on the page whose address names a contact record (numeric id). */
function linkedContact(doc: Document, page: URL): { id: string; name?: string } | null {
  for (const link of doc.querySelectorAll(CONTACT_LINKS)) {
    let target: URL;
    try {
      target = new URL(link.getAttribute('href') ?? '', page.href);
    } catch {
      continue;
    }
    if (target.origin !== page.origin) continue;
    const named = address(target);
    if (named?.kind === 'contact' && NUMERIC.test(named.id)) {
      return { id: named.id, name: boundedName(cleanText(link.textContent)) };
    }
  }
  return null;
}

export const zohoDesk: CrmAdapter<'zoho-desk'> = {
  id: 'zoho-desk',
  matches: (url) => url.protocol === 'https:' && HOSTS.has(url.hostname.toLowerCase()),
  pageKind: (url) => address(url)?.kind ?? null,
  detect(url, doc) {
    const named = address(url);
    if (!named) return null;
    if (named.kind === 'contact') {
      // A permalink key is no record id: only the page could say which contact it is.
      return NUMERIC.test(named.id) ? makeRef('zoho-desk', 'contact', { id: named.id }) : null;
    }
    const contact = linkedContact(doc, url);
    if (!contact) return null;
    return requesterRef('zoho-desk', 'contact', {
      id: boundedId(contact.id),
      displayName: contact.name,
      context: boundedId(named.id),
    });
  },
};
