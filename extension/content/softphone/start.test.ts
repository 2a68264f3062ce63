// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SoftphoneCall, SoftphoneMessageAdapter, SoftphonePageAdapter } from './types.ts';

const noEvent = { addListener: () => {} };

interface Posted {
  id: number;
  message: { type: string; call?: SoftphoneCall | null; url?: string };
}

function fakeChrome() {
  // What the content script posted on its port to the worker (messaging/port.ts).
  const posted: Posted[] = [];
  return {
    posted,
    runtime: {
      id: 'kcnllmemnaglhjkdheagojnldmcafcmh' as string | undefined,
      connect: vi.fn(() => ({
        onMessage: noEvent,
        onDisconnect: noEvent,
        postMessage: (request: Posted) => posted.push(request),
      })),
    },
  };
}

let chromeMock: ReturnType<typeof fakeChrome>;
const reported = () =>
  chromeMock.posted
    .filter(({ message }) => message.type === 'call-detected')
    .map(({ message }) => message.call);

type Flagged = Window & { __loopdeskSoftphoneScript?: { stop(): void } };

beforeEach(() => {
  chromeMock = fakeChrome();
  vi.stubGlobal('chrome', chromeMock);
  document.body.innerHTML = '<main></main>';
  openAt('http://localhost:3000/');
  delete (window as Flagged).__loopdeskSoftphoneScript;
});

afterEach(() => {
  (window as Flagged).__loopdeskSoftphoneScript?.stop();
  vi.unstubAllGlobals();
});

/** Loads a softphone content script file as Chrome does: a fresh module run in the page. */
async function inject(file: 'twilio-flex' | 'messages' | 'amazon-connect') {
  vi.resetModules();
  if (file === 'twilio-flex') await import('../entries/softphone-twilio-flex.entry.ts');
  else if (file === 'amazon-connect') await import('../entries/softphone-amazon-connect.entry.ts');
  else await import('../entries/softphone-messages.entry.ts');
  await settle();
}

/** Lets queued checks and mutation records run. */
async function settle() {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

/** Puts the test page at another address (happy-dom's own API: history refuses other origins). */
function openAt(url: string) {
  (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(url);
}

/** A frame inside this page, as the runtime sees an SDK iframe's window. */
const childFrame = () => ({ parent: window }) as unknown as Window;

/**
 * A message as the browser delivers a real postMessage. happy-dom's postMessage cannot post from
 * a frame, so the event is built here and given the flag only the browser sets (a page script
 * cannot: `isTrusted` is unforgeable in Chrome).
 */
function postFrom(
  origin: string,
  data: unknown,
  source: Window | null = childFrame(),
  trusted = true,
) {
  const event = new MessageEvent('message', { origin, data, source });
  if (trusted) Object.defineProperty(event, 'isTrusted', { value: true });
  window.dispatchEvent(event);
}

const incomingCall = {
  name: 'apm_phone_incoming_call',
  value: { from: '+15557543010', to: '+15551234567', call_id: 12345 },
};
const ringingCall: SoftphoneCall = {
  softphone: 'aircall-everywhere',
  phase: 'ringing',
  remote: '+15557543010',
  withheld: false,
  callId: '12345',
};

const flexTask = (number: string) =>
  `<div class="Twilio-TaskListBaseItem"><div data-testid="task-item-first-line"><span>${number}</span></div></div>`;

describe('softphone messages in a page embedding a softphone', () => {
  it('reports a call posted by an allowed origin, with the page address', async () => {
    history.replaceState(null, '', '/crm/contacts/17');
    await inject('messages');
    postFrom('https://workspace.aircall.io', incomingCall);
    await settle();
    expect(reported()).toEqual([ringingCall]);
    expect(chromeMock.posted[0]?.message.url).toBe(`${window.location.origin}/crm/contacts/17`);
  });

  it('ignores the same message from a wrong origin without reading its data', async () => {
    await inject('messages');
    let read = false;
    const data = {
      get name() {
        read = true;
        return incomingCall.name;
      },
      value: incomingCall.value,
    };
    for (const origin of [
      'http://workspace.aircall.io',
      'https://workspace.aircall.io.evil.example',
      'https://evil-aircall.io',
      'null',
    ]) {
      postFrom(origin, data);
    }
    await settle();
    expect(reported()).toEqual([]);
    expect(read).toBe(false);
  });

  it('ignores an allowed origin posting from outside its frames (another window, the page)', async () => {
    await inject('messages');
    postFrom('https://workspace.aircall.io', incomingCall, { parent: null } as unknown as Window);
    postFrom('https://workspace.aircall.io', incomingCall, null);
    postFrom('https://workspace.aircall.io', incomingCall, window);
    await settle();
    expect(reported()).toEqual([]);
  });

  it('ignores a message the page itself dispatched, whatever origin it names', async () => {
    await inject('messages');
    postFrom('https://workspace.aircall.io', incomingCall, childFrame(), false);
    await settle();
    expect(reported()).toEqual([]);
  });

  it('reports changes only: a repeated message is not sent again', async () => {
    await inject('messages');
    postFrom('https://workspace.aircall.io', incomingCall);
    postFrom('https://workspace.aircall.io', incomingCall);
    postFrom('https://workspace.aircall.io', { name: 'apm_phone_loaded', value: {} });
    postFrom('https://workspace.aircall.io', {
      name: 'apm_phone_call_end_ringtone',
      value: { answer_status: 'answered', call_id: 12345 },
    });
    await settle();
    expect(reported()).toEqual([ringingCall, { ...ringingCall, phase: 'connected' }]);
  });

  it('runs once when its file is injected twice', async () => {
    await inject('messages');
    await inject('messages');
    postFrom('https://workspace.aircall.io', incomingCall);
    await settle();
    expect(reported()).toEqual([ringingCall]);
  });

  it('reports the newest call going on when two softphones post', async () => {
    await inject('messages');
    postFrom('https://workspace.aircall.io', incomingCall);
    postFrom('https://dialpad.com', {
      api: 'opencti_dialpad',
      version: '1.0',
      method: 'call_ringing',
      payload: { state: 'on', id: 77, external_number: '+15550001111' },
    });
    postFrom('https://dialpad.com', {
      api: 'opencti_dialpad',
      version: '1.0',
      method: 'call_ringing',
      payload: { state: 'off', id: 77 },
    });
    await settle();
    expect(reported().map((call) => call?.softphone)).toEqual([
      'aircall-everywhere',
      'dialpad-cti',
      'aircall-everywhere',
    ]);
  });

  it('stops when the extension context is gone', async () => {
    await inject('messages');
    chromeMock.runtime.id = undefined;
    postFrom('https://workspace.aircall.io', incomingCall);
    chromeMock.runtime.id = 'kcnllmemnaglhjkdheagojnldmcafcmh';
    postFrom('https://workspace.aircall.io', incomingCall);
    await settle();
    expect(reported()).toEqual([]);
  });
});

describe('a page softphone', () => {
  it('reports a call that appears in the page once, and its end', async () => {
    openAt('https://flex.twilio.com/agent-desktop/');
    await inject('twilio-flex');
    await settle();
    // The softphone's own tab says at once that it shows no call (a reload mid-call ends it).
    expect(reported()).toEqual([null]);
    document.querySelector('main')?.insertAdjacentHTML('beforeend', flexTask('(435) 999-5175'));
    await settle();
    // An unrelated change in the page: same call, nothing sent.
    document.querySelector('main')?.insertAdjacentHTML('beforeend', '<p>Queue stats</p>');
    await settle();
    expect(reported()).toEqual([
      null,
      { softphone: 'twilio-flex', phase: 'ringing', remote: '(435) 999-5175', withheld: false },
    ]);
    document.querySelector('.Twilio-TaskListBaseItem')?.remove();
    await settle();
    expect(reported()).toHaveLength(3);
    expect(reported()[2]).toBeNull();
  });

  it('reads nothing on a page its adapter does not claim', async () => {
    openAt('https://flex.twilio.com/admin/');
    await inject('twilio-flex');
    document.querySelector('main')?.insertAdjacentHTML('beforeend', flexTask('(435) 999-5175'));
    await settle();
    expect(reported()).toEqual([]);
  });

  it('reads the page posting to itself only from its own origin (Connect CCP tab)', async () => {
    openAt('https://acme.my.connect.aws/ccp-v2/');
    await inject('amazon-connect');
    const snapshot = {
      event: 'agent::update',
      data: {
        snapshot: {
          contacts: [
            {
              contactId: 'f21dcc79-63e3-46e5-bb29-0ac15f64227e',
              type: 'voice',
              state: { type: 'connecting' },
              connections: [
                { type: 'agent', state: { type: 'connecting' }, endpoint: null },
                {
                  type: 'inbound',
                  initial: true,
                  state: { type: 'connected' },
                  endpoint: { phoneNumber: '+15551234567' },
                },
              ],
            },
          ],
        },
      },
    };
    postFrom('https://evil.example', snapshot, window);
    postFrom('https://acme.my.connect.aws', snapshot, childFrame());
    await settle();
    expect(reported()).toEqual([]);
    postFrom('https://acme.my.connect.aws', snapshot, window);
    await settle();
    expect(reported()).toEqual([
      {
        softphone: 'amazon-connect',
        phase: 'ringing',
        remote: '+15551234567',
        withheld: false,
        callId: 'f21dcc79-63e3-46e5-bb29-0ac15f64227e',
      },
    ]);
  });

  it('keeps working when an adapter throws, and never throws into the page', async () => {
    const { startSoftphoneScript } = await import('./start.ts');
    openAt('https://flex.twilio.com/agent-desktop/');
    const broken: SoftphonePageAdapter = {
      id: 'broken-page',
      matches: () => true,
      readsPage: true,
      detectCall: () => {
        throw new Error('markup changed');
      },
      readOwnMessage: () => {
        throw new Error('bad message');
      },
    };
    const brokenMessages: SoftphoneMessageAdapter = {
      id: 'broken-messages',
      acceptsOrigin: () => {
        throw new Error('bad origin check');
      },
      readMessage: () => undefined,
    };
    const { twilioFlex } = await import('./twilio-flex.ts');
    const { aircallEverywhere } = await import('./aircall-everywhere.ts');
    startSoftphoneScript({
      name: 'test',
      pageAdapters: [broken, twilioFlex],
      messageAdapters: [brokenMessages, aircallEverywhere],
    });
    const pageErrors: unknown[] = [];
    window.addEventListener('error', (event) => pageErrors.push(event.error));
    document.querySelector('main')?.insertAdjacentHTML('beforeend', flexTask('+1 415 555 0199'));
    await settle();
    postFrom('https://flex.twilio.com', { anything: true }, window);
    postFrom('https://workspace.aircall.io', incomingCall);
    await settle();
    expect(pageErrors).toEqual([]);
    expect(reported()).toEqual([
      { softphone: 'twilio-flex', phase: 'ringing', remote: '+1 415 555 0199', withheld: false },
      ringingCall,
    ]);
  });
});
