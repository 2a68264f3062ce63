import type { CustomerRef } from './types.ts';
import { elementValue } from '../../shared/rules.ts';
import { customerRefLimits } from '../../../src/contract/customer-ref-limits.ts';

export { elementValue };

// The contract's bounds as plain numbers: the content script must not load zod to check them.
const MAX_ID = customerRefLimits.id.max;
const MAX_EMAIL = customerRefLimits.email.max;
const MIN_PHONE = customerRefLimits.phone.min;
const MAX_PHONE = customerRefLimits.phone.max;
const MAX_NAME = customerRefLimits.displayName.max;
const EMAIL_SHAPE = /^[^\s@<>]+@[^\s@<>]+$/;
const PHONE_SHAPE = /^[+(]?[0-9][0-9 ().\-/]{2,}(?:\s*(?:x|ext\.?)\s*[0-9]+)?$/i;

/** Text content with whitespace runs collapsed (DOM text carries layout newlines), or undefined. */
export function cleanText(value: string | null | undefined): string | undefined {
  const text = value?.replace(/\s+/g, ' ').trim();
  return text ? text : undefined;
}

export function boundedId(value: string | null | undefined): string | undefined {
  const id = cleanText(value);
  return id && id.length <= MAX_ID ? id : undefined;
}

export function boundedName(value: string | null | undefined): string | undefined {
  return cleanText(value)?.slice(0, MAX_NAME).trim();
}

/** An email as shown, or undefined if it does not look like one (the backend normalises case). */
export function boundedEmail(value: string | null | undefined): string | undefined {
  const email = cleanText(value);
  return email && email.length <= MAX_EMAIL && EMAIL_SHAPE.test(email) ? email : undefined;
}

/** A phone as shown, or undefined if it does not look like one (the backend normalises to E.164). */
export function boundedPhone(value: string | null | undefined): string | undefined {
  const phone = cleanText(value);
  return phone && phone.length >= MIN_PHONE && phone.length <= MAX_PHONE && PHONE_SHAPE.test(phone)
    ? phone
    : undefined;
}

/** First element matching any selector in the list, in list order (not document order). */
export function first(root: ParentNode, selectors: readonly string[]): Element | null {
  for (const selector of selectors) {
    const found = root.querySelector(selector);
    if (found) return found;
  }
  return null;
}

/** Splits `Real Name <email@example>` (RT, mail clients) into its parts. */
export function splitNameAndEmail(text: string | undefined): { name?: string; email?: string } {
  if (!text) return {};
  const angled = /^(.*?)\s*<([^<>]+)>\s*$/.exec(text);
  if (angled) return { name: boundedName(angled[1]), email: boundedEmail(angled[2]) };
  const email = boundedEmail(text);
  return email ? { email } : { name: boundedName(text) };
}

/** Whether an element is hidden by itself or an ancestor (inline style, hidden, aria-hidden). */
export function isHidden(element: Element, stopAt?: Element): boolean {
  for (let node: Element | null = element; node && node !== stopAt; node = node.parentElement) {
    if (node.hasAttribute('hidden') || node.getAttribute('aria-hidden') === 'true') return true;
    const style = node.getAttribute('style') ?? '';
    if (/display\s*:\s*none|visibility\s*:\s*hidden/i.test(style)) return true;
  }
  return false;
}

/** Depth-first search through the light DOM and every open shadow root under `root`. */
export function deepQuery(root: ParentNode, selector: string, maxNodes = 20_000): Element | null {
  const direct = root.querySelector(selector);
  if (direct) return direct;
  const pending: ParentNode[] = [root];
  let visited = 0;
  while (pending.length > 0) {
    const current = pending.pop() as ParentNode;
    for (const element of current.querySelectorAll('*')) {
      if (++visited > maxNodes) return null;
      const shadow = element.shadowRoot;
      if (!shadow) continue;
      const found = shadow.querySelector(selector);
      if (found) return found;
      pending.push(shadow);
    }
  }
  return null;
}

type RefFields = Omit<CustomerRef, 'crm' | 'type'>;

/** Builds a ref without undefined fields, so equal customers give equal JSON (the change key). */
export function makeRef(crm: string, type: string, fields: RefFields): CustomerRef {
  const ref: CustomerRef = { crm, type };
  for (const key of ['id', 'email', 'phone', 'displayName', 'context'] as const) {
    const value = fields[key];
    if (value) ref[key] = value;
  }
  return ref;
}

/** A ticket's requester is a customer only if the backend can resolve them: record, email or phone. */
export function requesterRef(crm: string, type: string, fields: RefFields): CustomerRef | null {
  if (!fields.id && !fields.email && !fields.phone) return null;
  return makeRef(crm, type, fields);
}

/**
 * A chat conversation's customer. The conversation (its id: the context) is always reported,
 * even when the console shows nothing that names its customer: the panel then says so instead
 * of showing no conversation at all.
 */
export function conversationRef(crm: string, type: string, fields: RefFields): CustomerRef {
  return requesterRef(crm, type, fields) ?? makeRef(crm, 'conversation', fields);
}

/** Whether a ref names a customer the backend can look up: a record, an email or a phone. */
export function namesCustomer(ref: CustomerRef | null | undefined): boolean {
  return Boolean(ref && (ref.id || ref.email || ref.phone));
}

/** The path of a link on the page's own origin; empty for other origins or no URL at all. */
export function sameOriginPath(href: string | null, page: URL): string {
  if (!href) return '';
  try {
    const target = new URL(href, page.origin);
    return target.origin === page.origin ? target.pathname : '';
  } catch {
    return '';
  }
}

/** Decodes a URL path segment, or undefined if it is malformed. */
export function pathSegment(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

export interface PersonSelectors {
  email: readonly string[];
  phone: readonly string[];
  name: readonly string[];
}

/** A person's email, phone and name as shown inside `scope`, each read with its selectors. */
export function readPerson(scope: ParentNode, selectors: PersonSelectors) {
  return {
    email: boundedEmail(elementValue(first(scope, selectors.email))),
    phone: boundedPhone(elementValue(first(scope, selectors.phone))),
    displayName: boundedName(elementValue(first(scope, selectors.name))),
  };
}

/** A CRM API's JSON object (untrusted: every field is checked where it is read). */
export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function jsonText(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A numeric record id as a JSON number or a digit string (1-19 digits); undefined otherwise. */
export function jsonNumericId(value: unknown): string | undefined {
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) && value > 0 ? String(value) : undefined;
  }
  if (typeof value === 'string' && /^\d{1,19}$/.test(value)) return value;
  return undefined;
}
