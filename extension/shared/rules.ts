import type { CustomerRef } from '../../src/contract/customer-ref.ts';
import { customerRefLimits } from '../../src/contract/customer-ref-limits.ts';

/**
 * A CRM an admin adds without code. Pure and DOM-only: shared by the content script (detection)
 * and the options page (validation on save, "test on this tab"). Kept free of zod so the
 * content script stays small; detected values are bounded by src/contract/customer-ref-limits.ts.
 */
export interface RuleAdapterConfig {
  id: string;
  label: string;
  /** `https://crm.example.com` or `https://*.example.com` (no path). */
  origin: string;
  /** RegExp source matched against the URL's path + query; named groups recordId, objectType. */
  urlPattern: string;
  container?: string;
  emailSelector?: string;
  phoneSelector?: string;
  nameSelector?: string;
}

export interface RuleError {
  field: keyof RuleAdapterConfig | 'rule';
  message: string;
}

export type RuleValidation =
  { ok: true; rule: RuleAdapterConfig } | { ok: false; errors: RuleError[] };

const ruleLimits = {
  id: 40,
  label: 80,
  origin: 200,
  urlPattern: 500,
  selector: 300,
} as const;

const ID_SHAPE = /^[a-z0-9][a-z0-9-]*$/;
const ORIGIN_SHAPE = /^(https?):\/\/(\*\.)?([a-z0-9-]+(?:\.[a-z0-9-]+)*)(?::(\d{1,5}))?$/i;
const SELECTOR_FIELDS = ['container', 'emailSelector', 'phoneSelector', 'nameSelector'] as const;

function checkLength(errors: RuleError[], field: RuleError['field'], value: string, max: number) {
  if (value.length > max) errors.push({ field, message: `must be at most ${max} characters` });
}

function originError(origin: string): string | undefined {
  const match = ORIGIN_SHAPE.exec(origin);
  if (!match) {
    return 'must be an origin like https://crm.example.com or https://*.example.com, without a path';
  }
  const port = match[4];
  if (port !== undefined && Number(port) > 65535) return 'has a port above 65535';
  return undefined;
}

function compilePattern(source: string): { regex?: RegExp; error?: string } {
  try {
    return { regex: new RegExp(source) };
  } catch (error) {
    return { error: `is not a valid regular expression: ${(error as Error).message}` };
  }
}

function isValidRegex(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}

function selectorError(selector: string): string | undefined {
  // The service worker has no DOM: there selectors are checked where the rule is used.
  if (typeof document === 'undefined') return undefined;
  try {
    document.createDocumentFragment().querySelector(selector);
    return undefined;
  } catch {
    return `is not a valid CSS selector: ${selector}`;
  }
}

/** Checks an admin's rule; every problem is reported with the field it belongs to. */
export function validateRule(input: unknown): RuleValidation {
  if (typeof input !== 'object' || input === null) {
    return { ok: false, errors: [{ field: 'rule', message: 'must be an object' }] };
  }
  const raw = input as Record<string, unknown>;
  const errors: RuleError[] = [];
  const text = (field: keyof RuleAdapterConfig, required: boolean): string | undefined => {
    const value = raw[field];
    if (value === undefined || value === null || value === '') {
      if (required) errors.push({ field, message: 'is required' });
      return undefined;
    }
    if (typeof value !== 'string') {
      errors.push({ field, message: 'must be a string' });
      return undefined;
    }
    return value.trim();
  };

  const id = text('id', true);
  if (id !== undefined) {
    checkLength(errors, 'id', id, ruleLimits.id);
    if (!ID_SHAPE.test(id)) errors.push({ field: 'id', message: 'must use a-z, 0-9 and -' });
  }
  const label = text('label', true);
  if (label !== undefined) checkLength(errors, 'label', label, ruleLimits.label);
  const origin = text('origin', true);
  if (origin !== undefined) {
    checkLength(errors, 'origin', origin, ruleLimits.origin);
    const problem = originError(origin);
    if (problem) errors.push({ field: 'origin', message: problem });
  }
  const urlPattern = text('urlPattern', true);
  let regex: RegExp | undefined;
  if (urlPattern !== undefined) {
    checkLength(errors, 'urlPattern', urlPattern, ruleLimits.urlPattern);
    const compiled = compilePattern(urlPattern);
    if (compiled.error) errors.push({ field: 'urlPattern', message: compiled.error });
    regex = compiled.regex;
  }
  const selectors: Partial<Record<(typeof SELECTOR_FIELDS)[number], string>> = {};
  for (const field of SELECTOR_FIELDS) {
    const selector = text(field, false);
    if (selector === undefined) continue;
    checkLength(errors, field, selector, ruleLimits.selector);
    const problem = selectorError(selector);
    if (problem) errors.push({ field, message: problem });
    selectors[field] = selector;
  }
  if (regex && !selectors.emailSelector && !selectors.phoneSelector) {
    const groups = namedGroups(urlPattern ?? '');
    if (!groups.has('recordId')) {
      errors.push({
        field: 'urlPattern',
        message: 'needs a named group (?<recordId>...) when no email or phone selector is given',
      });
    }
  }
  if (errors.length > 0 || !id || !label || !origin || !urlPattern) return { ok: false, errors };
  return { ok: true, rule: { id, label, origin, urlPattern, ...selectors } };
}

/**
 * Cheap re-check of a rule read back from storage, for the content script: the options page
 * validated it on save (validateRule, with messages); this only keeps malformed or tampered
 * entries out without carrying the messages into the content script bundle.
 */
export function parseStoredRule(input: unknown): RuleAdapterConfig | null {
  if (typeof input !== 'object' || input === null) return null;
  const raw = input as Record<string, unknown>;
  const fits = (value: unknown, max: number) => typeof value === 'string' && value.length <= max;
  if (!fits(raw.id, ruleLimits.id) || !fits(raw.label, ruleLimits.label)) return null;
  if (!fits(raw.origin, ruleLimits.origin) || !ORIGIN_SHAPE.test(raw.origin as string)) return null;
  if (!fits(raw.urlPattern, ruleLimits.urlPattern) || !isValidRegex(raw.urlPattern as string)) {
    return null;
  }
  for (const field of SELECTOR_FIELDS) {
    if (raw[field] !== undefined && !fits(raw[field], ruleLimits.selector)) return null;
  }
  return raw as unknown as RuleAdapterConfig;
}

function namedGroups(source: string): Set<string> {
  return new Set([...source.matchAll(/\(\?<([A-Za-z_$][\w$]*)>/g)].map((m) => m[1] ?? ''));
}

/** Whether the rule's origin (with an optional `*.` wildcard) covers this URL. */
export function ruleMatchesOrigin(rule: RuleAdapterConfig, url: URL): boolean {
  const match = ORIGIN_SHAPE.exec(rule.origin);
  if (!match) return false;
  const [, scheme = '', wildcard, host = '', port] = match;
  if (url.protocol !== `${scheme.toLowerCase()}:`) return false;
  if ((port ?? '') !== url.port) return false;
  const hostname = url.hostname.toLowerCase();
  const base = host.toLowerCase();
  return wildcard ? hostname === base || hostname.endsWith(`.${base}`) : hostname === base;
}

/** The Chrome match pattern the worker requests and registers the content script for. */
export function ruleMatchPattern(rule: RuleAdapterConfig): string {
  return `${rule.origin.replace(/:\d+$/, '')}/*`;
}

/**
 * What an element shows, whitespace collapsed: a form control's value, a mailto:/tel: link's
 * target, or its text. Shared with the built-in adapters (page values are read one way).
 */
export function elementValue(element: Element | null | undefined): string | undefined {
  if (!element) return undefined;
  let raw: string | null | undefined = element.textContent;
  if (element instanceof HTMLInputElement || element instanceof HTMLTextAreaElement) {
    raw = element.value || element.getAttribute('value');
  } else {
    const href = element.getAttribute('href');
    if (href && /^(mailto|tel):/i.test(href)) {
      raw = href.replace(/^(mailto|tel):/i, '').split('?')[0];
      try {
        raw = decodeURIComponent(raw ?? '');
      } catch {
        // shown as written
      }
    }
  }
  return raw?.replace(/\s+/g, ' ').trim() || undefined;
}

function readValue(scope: ParentNode, selector: string | undefined, max: number, min = 1) {
  const value = selector ? elementValue(scope.querySelector(selector)) : undefined;
  return value && value.length >= min && value.length <= max ? value : undefined;
}

function boundedGroup(value: string | undefined, max: number): string | undefined {
  if (!value) return undefined;
  try {
    value = decodeURIComponent(value);
  } catch {
    return undefined;
  }
  value = value.trim();
  return value && value.length <= max ? value : undefined;
}

/**
 * Runs a (validated) rule on a page: null when the URL does not match or nothing identifies a
 * customer. Throws nothing for bad rules: an invalid pattern or selector yields null.
 */
export function detectWithRule(
  rule: RuleAdapterConfig,
  url: URL,
  doc: Document,
): CustomerRef | null {
  if (!ruleMatchesOrigin(rule, url)) return null;
  const limits = customerRefLimits;
  let scope: ParentNode | null = doc;
  try {
    const match = new RegExp(rule.urlPattern).exec(url.pathname + url.search);
    if (!match) return null;
    if (rule.container) scope = doc.querySelector(rule.container);
    if (!scope) return null;
    const ref: CustomerRef = {
      crm: rule.id,
      // A rule's named groups keep the names admins write them with: recordId, objectType.
      type: boundedGroup(match.groups?.objectType, limits.type.max) ?? 'record',
    };
    const id = boundedGroup(match.groups?.recordId, limits.id.max);
    const email = readValue(scope, rule.emailSelector, limits.email.max, limits.email.min);
    const phone = readValue(scope, rule.phoneSelector, limits.phone.max, limits.phone.min);
    const displayName = readValue(scope, rule.nameSelector, limits.displayName.max);
    if (!id && !email && !phone) return null;
    if (id) ref.id = id;
    if (email) ref.email = email;
    if (phone) ref.phone = phone;
    if (displayName) ref.displayName = displayName;
    return ref;
  } catch {
    return null;
  }
}

export interface RuleTestResult {
  validation: RuleValidation;
  /** What the rule detects on this page, when the rule is valid. */
  ref: CustomerRef | null;
  /** Plain-language explanation for the options page. */
  explanation: string;
}

/** "Test on this tab": validates the rule, then runs it against the given page. */
export function testRuleOnDocument(
  rule: unknown,
  url: string | URL,
  doc: Document,
): RuleTestResult {
  const validation = validateRule(rule);
  if (!validation.ok) {
    return { validation, ref: null, explanation: 'The rule has errors; fix them first.' };
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { validation, ref: null, explanation: `Not a URL: ${String(url)}` };
  }
  const valid = validation.rule;
  if (!ruleMatchesOrigin(valid, parsed)) {
    return { validation, ref: null, explanation: `This page is not on ${valid.origin}.` };
  }
  if (!new RegExp(valid.urlPattern).test(parsed.pathname + parsed.search)) {
    return { validation, ref: null, explanation: 'The URL pattern does not match this page.' };
  }
  if (valid.container && !doc.querySelector(valid.container)) {
    return { validation, ref: null, explanation: 'The container selector finds nothing here.' };
  }
  const ref = detectWithRule(valid, parsed, doc);
  return {
    validation,
    ref,
    explanation: ref
      ? 'Found a customer on this page.'
      : 'The URL matches, but no record id, email or phone was found.',
  };
}
