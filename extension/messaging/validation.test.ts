import { describe, expect, it, vi } from 'vitest';
import { createPageListener, createWorkerListener, type WorkerHandlers } from './router.ts';
import { parseMessage } from './schemas.ts';
import { classifySender, mayPageAccept, mayWorkerAccept } from './sender.ts';

const extensionId = 'kcnllmemnaglhjkdheagojnldmcafcmh';
const contentSender = {
  id: extensionId,
  url: 'https://acme.zendesk.com/agent/tickets/7',
  tab: { id: 4 } as chrome.tabs.Tab,
  frameId: 0,
};
const panelSender = {
  id: extensionId,
  url: `chrome-extension://${extensionId}/extension/sidepanel/index.html`,
};
const ref = { crm: 'zendesk', type: 'ticket', email: 'ana@example.com', context: '7' };

describe('parseMessage', () => {
  it('accepts a well-formed customer-detected message', () => {
    const parsed = parseMessage({
      type: 'customer-detected',
      ref,
      url: 'https://acme.zendesk.com/agent/tickets/7',
    });
    expect(parsed).toEqual({
      ok: true,
      message: { type: 'customer-detected', ref, url: 'https://acme.zendesk.com/agent/tickets/7' },
    });
  });

  it('names the field at fault', () => {
    const parsed = parseMessage({
      type: 'customer-detected',
      ref: { ...ref, crm: '' },
      url: 'https://x.test/',
    });
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.error).toMatch(/ref\.crm/);
  });

  it('rejects unknown types, missing types and extra fields', () => {
    expect(parseMessage({ type: 'steal-token' })).toMatchObject({
      ok: false,
      error: /unknown message type/,
    });
    expect(parseMessage('customer-detected')).toMatchObject({
      ok: false,
      error: 'message has no type',
    });
    expect(parseMessage({ type: 'get-status', token: 'x' }).ok).toBe(false);
    expect(parseMessage({ type: '__proto__' }).ok).toBe(false);
  });

  it('checks outcomes against the contract (a decline needs a reason)', () => {
    const outcome = {
      decisionId: 'd1',
      treatmentId: 't1',
      result: 'declined',
      occurredAt: '2026-01-02T03:04:05Z',
    };
    expect(parseMessage({ type: 'record-outcome', outcome }).ok).toBe(false);
    expect(
      parseMessage({ type: 'record-outcome', outcome: { ...outcome, reason: 'too_expensive' } }).ok,
    ).toBe(true);
  });

  it('takes an Undo by the idempotency key the outcome was sent with, and nothing else', () => {
    const key = '6f1c0c4e-0000-4000-8000-000000000001';
    expect(parseMessage({ type: 'retract-outcome', idempotencyKey: key })).toEqual({
      ok: true,
      message: { type: 'retract-outcome', idempotencyKey: key },
    });
    expect(parseMessage({ type: 'retract-outcome' })).toMatchObject({
      ok: false,
      error: /^invalid 'retract-outcome' message: idempotencyKey: /,
    });
    expect(parseMessage({ type: 'retract-outcome', idempotencyKey: 'short' }).ok).toBe(false);
    expect(parseMessage({ type: 'retract-outcome', idempotencyKey: 'k'.repeat(201) }).ok).toBe(
      false,
    );
    expect(parseMessage({ type: 'retract-outcome', idempotencyKey: key, force: true }).ok).toBe(
      false,
    );
  });

  it('needs an identifying field in an insights query', () => {
    expect(parseMessage({ type: 'get-insights', query: { crm: 'zendesk' } }).ok).toBe(false);
    expect(parseMessage({ type: 'get-insights', query: { email: 'a@b.co' } }).ok).toBe(true);
  });
});

describe('sender checks', () => {
  it('tells content scripts from extension pages and strangers', () => {
    expect(classifySender(contentSender, extensionId)).toBe('content');
    expect(classifySender(panelSender, extensionId)).toBe('extension');
    expect(classifySender({ ...panelSender, id: 'otherextensionid' }, extensionId)).toBeNull();
    expect(
      classifySender({ id: extensionId, url: 'chrome-extension://otherid/x.html' }, extensionId),
    ).toBeNull();
  });

  it('lets content scripts send only customer-detected, and only from the top frame', () => {
    expect(mayWorkerAccept('customer-detected', contentSender, extensionId)).toBe(true);
    expect(
      mayWorkerAccept('customer-detected', { ...contentSender, frameId: 3 }, extensionId),
    ).toBe(false);
    expect(mayWorkerAccept('get-insights', contentSender, extensionId)).toBe(false);
    expect(mayWorkerAccept('set-token', contentSender, extensionId)).toBe(false);
    // Whose token it is stays with the extension's own pages.
    expect(mayWorkerAccept('check-backend', contentSender, extensionId)).toBe(false);
    expect(mayWorkerAccept('check-backend', panelSender, extensionId)).toBe(true);
    expect(mayWorkerAccept('customer-detected', panelSender, extensionId)).toBe(false);
    // Only the panel undoes an outcome; a CRM page cannot take one back.
    expect(mayWorkerAccept('retract-outcome', contentSender, extensionId)).toBe(false);
    expect(mayWorkerAccept('retract-outcome', panelSender, extensionId)).toBe(true);
  });

  it('takes a call only from a content script, and a call that says no more than a call', () => {
    expect(mayWorkerAccept('call-detected', contentSender, extensionId)).toBe(true);
    expect(mayWorkerAccept('call-detected', { ...contentSender, frameId: 2 }, extensionId)).toBe(
      false,
    );
    expect(mayWorkerAccept('call-detected', panelSender, extensionId)).toBe(false);
    expect(mayWorkerAccept('call-changed', contentSender, extensionId)).toBe(false);
    const call = {
      softphone: 'aircall-everywhere',
      phase: 'ringing',
      remote: '+1 (415) 555-0101',
      withheld: false,
      callId: 'call_123',
    };
    const url = 'https://crm.example.com/';
    expect(parseMessage({ type: 'call-detected', call, url }).ok).toBe(true);
    expect(parseMessage({ type: 'call-detected', call: null, url }).ok).toBe(true);
    const scripted = parseMessage({
      type: 'call-detected',
      call: { ...call, remote: '<img src=x onerror=alert(1)>' },
      url,
    });
    expect(scripted).toMatchObject({ ok: false, error: expect.stringMatching(/call\.remote/) });
    const extra = parseMessage({ type: 'call-detected', call: { ...call, name: 'Ada' }, url });
    expect(extra.ok).toBe(false);
    const badPhase = parseMessage({
      type: 'call-detected',
      call: { ...call, phase: 'dialing' },
      url,
    });
    expect(badPhase.ok).toBe(false);
  });

  it('lets extension pages call the worker but never forge broadcasts to it', () => {
    expect(mayWorkerAccept('get-insights', panelSender, extensionId)).toBe(true);
    expect(mayWorkerAccept('tab-customer-changed', panelSender, extensionId)).toBe(false);
    expect(mayPageAccept('tab-customer-changed', panelSender, extensionId)).toBe(true);
    expect(mayPageAccept('tab-customer-changed', contentSender, extensionId)).toBe(false);
  });
});

function handlers(overrides: Partial<WorkerHandlers>): WorkerHandlers {
  const fail = () => {
    throw new Error('unexpected call');
  };
  return {
    'customer-detected': fail,
    'call-detected': fail,
    'get-current-call': fail,
    'detection-observed': fail,
    'crm-api-request': fail,
    'get-tab-customer': fail,
    'get-insights': fail,
    'record-outcome': fail,
    'retract-outcome': fail,
    'get-outbox': fail,
    'flush-outbox': fail,
    'get-status': fail,
    'set-backend-url': fail,
    'set-token': fail,
    'clear-token': fail,
    'check-backend': fail,
    ...overrides,
  };
}

describe('worker listener', () => {
  it('runs the handler with the validated request and answers in an envelope', async () => {
    const getTabCustomer = vi.fn(async ({ tabId }: { tabId: number }) => ({
      tabId,
      ref: null,
      url: 'https://x.test/',
      detectedAt: 'now',
    }));
    const listener = createWorkerListener(
      handlers({ 'get-tab-customer': getTabCustomer }),
      extensionId,
    );
    const answer = await new Promise((resolve) => {
      expect(listener({ type: 'get-tab-customer', tabId: 5 }, panelSender, resolve)).toBe(true);
    });
    expect(getTabCustomer).toHaveBeenCalledWith({ tabId: 5 }, panelSender);
    expect(answer).toEqual({
      ok: true,
      value: { tabId: 5, ref: null, url: 'https://x.test/', detectedAt: 'now' },
    });
  });

  it('refuses a page-only message from a content script without running anything', () => {
    const setToken = vi.fn();
    const rejected = vi.fn();
    const listener = createWorkerListener(
      handlers({ 'set-token': setToken }),
      extensionId,
      rejected,
    );
    const sendResponse = vi.fn();
    listener({ type: 'set-token', token: 'abcdefgh12' }, contentSender, sendResponse);
    expect(setToken).not.toHaveBeenCalled();
    expect(sendResponse).toHaveBeenCalledWith({
      ok: false,
      error: "'set-token' is not accepted from this sender",
    });
    expect(rejected).toHaveBeenCalled();
  });

  it('never lets a content script set the backend URL', () => {
    const setBackendUrl = vi.fn();
    const listener = createWorkerListener(
      handlers({ 'set-backend-url': setBackendUrl }),
      extensionId,
    );
    const sendResponse = vi.fn();
    listener(
      { type: 'set-backend-url', backendUrl: 'https://attacker.example' },
      contentSender,
      sendResponse,
    );
    expect(setBackendUrl).not.toHaveBeenCalled();
    expect(sendResponse).toHaveBeenCalledWith({
      ok: false,
      error: "'set-backend-url' is not accepted from this sender",
    });
  });

  it('turns a handler error into an error envelope', async () => {
    const listener = createWorkerListener(
      handlers({ 'get-status': () => Promise.reject(new Error('storage broke')) }),
      extensionId,
    );
    const answer = await new Promise((resolve) =>
      listener({ type: 'get-status' }, panelSender, resolve),
    );
    expect(answer).toEqual({ ok: false, error: 'storage broke' });
  });
});

describe('page listener', () => {
  it('delivers validated broadcasts from our contexts and drops the rest', () => {
    const changed = vi.fn();
    const listener = createPageListener({ 'tab-customer-changed': changed }, extensionId);
    listener({ type: 'tab-customer-changed', tabId: 2, customer: null }, panelSender);
    listener({ type: 'tab-customer-changed', tabId: 2, customer: null }, contentSender);
    listener({ type: 'tab-customer-changed', tabId: -1, customer: null }, panelSender);
    expect(changed).toHaveBeenCalledTimes(1);
    expect(changed).toHaveBeenCalledWith({ tabId: 2, customer: null });
  });
});
