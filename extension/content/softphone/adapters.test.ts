// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { messageSchemas } from '../../messaging/schemas.ts';
import { messageAdaptersById, pageAdaptersById } from './index.ts';
import { messageFixtures, pageCases } from './fixtures.test-support.ts';
import { readCallId, readRemote } from './read.ts';
import { aircallEverywhere } from './aircall-everywhere.ts';
import { dialpadCti } from './dialpad-cti.ts';
import { ringcentralEmbeddable } from './ringcentral-embeddable.ts';
import { amazonConnectStreams } from './amazon-connect-streams.ts';
import { readAgentUpdate } from './amazon-connect-snapshot.ts';
import type { SoftphoneCall } from './types.ts';

describe('bounded readers', () => {
  it('passes a number on as shown, digits and + ( ) - . space only', () => {
    expect(readRemote('+1 (555) 123-4567')).toEqual({
      remote: '+1 (555) 123-4567',
      withheld: false,
    });
    expect(readRemote('  0819994972 ')).toEqual({ remote: '0819994972', withheld: false });
    expect(readRemote('+44.20.7946.0000')).toEqual({ remote: '+44.20.7946.0000', withheld: false });
  });

  it('reads missing, empty and the withheld words as withheld', () => {
    for (const value of [
      undefined,
      null,
      '',
      '   ',
      'anonymous',
      'Anonymous',
      'RESTRICTED',
      'private',
    ]) {
      expect(readRemote(value)).toEqual({ remote: null, withheld: true });
    }
  });

  it('shows no number for anything else (names, extensions, markup, too long, other types)', () => {
    for (const value of [
      'Jonas Berg',
      '14567891230*102',
      '+1555<script>',
      '1+555',
      '12',
      '((( )))',
      `+${'1'.repeat(40)}`,
      'x'.repeat(10_000),
      15551234567,
      { phone: '+15551234567' },
      ['+15551234567'],
    ]) {
      expect(readRemote(value)).toEqual({ remote: null, withheld: false });
    }
  });

  it('keeps a call id of safe digits or [A-Za-z0-9._:-]{1,120}, nothing else', () => {
    expect(readCallId(12345)).toBe('12345');
    expect(readCallId('s-a0d7b4e5f1cf:1.2_3')).toBe('s-a0d7b4e5f1cf:1.2_3');
    expect(readCallId('a'.repeat(120))).toBe('a'.repeat(120));
    for (const value of [
      'a'.repeat(121),
      '',
      'id with space',
      'id/../x',
      '<b>',
      -1,
      1.5,
      2 ** 53,
      Number.NaN,
      null,
      { id: 1 },
    ]) {
      expect(readCallId(value)).toBeUndefined();
    }
  });
});

describe('message adapters refuse look-alike origins', () => {
  const lookAlikes = (host: string) => [
    `http://${host}`,
    `https://${host}:8443`,
    `https://${host}.evil.example`,
    `https://evil-${host}`,
    `https://evil.${host}`,
    `https://${host}/`,
    `HTTPS://${host.toUpperCase()}`,
    'null',
    '',
    '*',
  ];

  it('Dialpad CTI: exactly https://dialpad.com', () => {
    expect(dialpadCti.acceptsOrigin('https://dialpad.com')).toBe(true);
    for (const origin of [
      ...lookAlikes('dialpad.com'),
      'https://evil-dialpad.com',
      'https://dialpad.com.evil.example',
      'https://www.dialpad.com',
    ]) {
      expect(dialpadCti.acceptsOrigin(origin)).toBe(false);
    }
  });

  it('Aircall Everywhere: exactly its two hosts', () => {
    for (const host of ['workspace.aircall.io', 'phone.aircall.io']) {
      expect(aircallEverywhere.acceptsOrigin(`https://${host}`)).toBe(true);
      for (const origin of lookAlikes(host)) {
        expect(aircallEverywhere.acceptsOrigin(origin)).toBe(false);
      }
    }
    expect(aircallEverywhere.acceptsOrigin('https://aircall.io')).toBe(false);
  });

  it('RingCentral Embeddable: exactly its two hosts', () => {
    for (const host of ['apps.ringcentral.com', 'ringcentral.github.io']) {
      expect(ringcentralEmbeddable.acceptsOrigin(`https://${host}`)).toBe(true);
      for (const origin of lookAlikes(host)) {
        expect(ringcentralEmbeddable.acceptsOrigin(origin)).toBe(false);
      }
    }
    // Anyone's GitHub Pages site is another origin.
    expect(ringcentralEmbeddable.acceptsOrigin('https://evil.github.io')).toBe(false);
  });

  it('Connect Streams: an instance alias, one label, on its two domains', () => {
    for (const origin of ['https://acme-contact.my.connect.aws', 'https://acme.awsapps.com']) {
      expect(amazonConnectStreams.acceptsOrigin(origin)).toBe(true);
    }
    for (const origin of [
      'https://my.connect.aws',
      'https://awsapps.com',
      'http://acme.my.connect.aws',
      'https://acme.my.connect.aws:8443',
      'https://a.b.my.connect.aws',
      'https://acme.my.connect.aws.evil.example',
      'https://acme-my.connect.aws',
      'https://acmemy.connect.aws',
      'https://acme.awsapps.com.evil.example',
      'https://-acme.awsapps.com',
      'https://acme_x.awsapps.com',
      'null',
    ]) {
      expect(amazonConnectStreams.acceptsOrigin(origin)).toBe(false);
    }
  });
});

describe('message adapters read only what they know', () => {
  const current: SoftphoneCall = {
    softphone: 'aircall-everywhere',
    phase: 'connected',
    remote: '+15557543010',
    withheld: false,
    callId: '1',
  };

  it('leave the call as it is for data of any other shape', () => {
    const junk: unknown[] = [
      null,
      undefined,
      'apm_phone_incoming_call',
      JSON.stringify({ name: 'apm_phone_incoming_call', value: { from: '+1555', call_id: 2 } }),
      42,
      [],
      { name: 'apm_phone_incoming_call' },
      { name: 'apm_phone_call_ended', value: 'x' },
      { name: 'apm_app_isready', value: {} },
      { api: 'opencti_dialpad', version: '2.0', method: 'call_ringing', payload: { state: 'on' } },
      {
        api: 'opencti_dialpad',
        version: '1.0',
        method: 'call_ringing',
        payload: { state: 'connected' },
      },
      { type: 'rc-call-ring-notify' },
      { type: 'rc-unknown-notify', call: { from: '+15551234567' } },
      { type: 'constructor', call: {} },
      { type: 'rc-active-call-notify', call: { telephonyStatus: 'constructor' } },
      { event: 'agent::update', data: { snapshot: { contacts: 'none' } } },
      { event: 'contact::connected', data: { snapshot: { contacts: [] } } },
    ];
    for (const adapter of Object.values(messageAdaptersById)) {
      for (const data of junk) expect(adapter.readMessage(data, current)).toBeUndefined();
    }
  });

  it('Aircall: a second call ending while the first goes on changes nothing; logout ends it', () => {
    const ended = { name: 'apm_phone_call_ended', value: { duration: 3, call_id: 2 } };
    expect(aircallEverywhere.readMessage(ended, current)).toBeUndefined();
    expect(aircallEverywhere.readMessage(ended, null)).toBeUndefined();
    expect(aircallEverywhere.readMessage({ name: 'apm_phone_logout' }, current)).toBeNull();
  });

  it('Dialpad: ringing stopping for another call than the current one changes nothing', () => {
    const off = {
      api: 'opencti_dialpad',
      version: '1.0',
      method: 'call_ringing',
      payload: { state: 'off', id: 99 },
    };
    expect(dialpadCti.readMessage(off, { ...current, softphone: 'dialpad-cti' })).toBeUndefined();
  });

  it('RingCentral: the end of another call while one goes on changes nothing', () => {
    const end = {
      type: 'rc-call-end-notify',
      call: { id: 'other', direction: 'Inbound', from: '+15550000000' },
    };
    const going = { ...current, softphone: 'ringcentral-embeddable' };
    expect(ringcentralEmbeddable.readMessage(end, going)).toBeUndefined();
  });

  it('Connect: reads at most 20 contacts and prefers a call going on to one in after-call work', () => {
    const contact = (id: string, state: string) => ({
      contactId: id,
      type: 'voice',
      state: { type: state },
      connections: [
        {
          type: 'inbound',
          initial: true,
          state: { type: 'connected' },
          endpoint: { phoneNumber: '+15551234567' },
        },
      ],
    });
    const update = (contacts: unknown[]) => ({
      event: 'agent::update',
      data: { snapshot: { contacts } },
    });
    expect(
      readAgentUpdate('x', update([contact('a', 'ended'), contact('b', 'connected')])),
    ).toMatchObject({
      callId: 'b',
      phase: 'connected',
    });
    const many = [
      ...Array.from({ length: 20 }, () => ({ type: 'chat' })),
      contact('late', 'connected'),
    ];
    expect(readAgentUpdate('x', update(many))).toBeNull();
  });
});

describe('page adapters claim their own addresses only', () => {
  const claims: Record<string, { yes: string[]; no: string[] }> = {
    'amazon-connect': {
      yes: [
        'https://acme.my.connect.aws/ccp-v2/',
        'https://acme.my.connect.aws/ccp-v2',
        'https://acme.my.connect.aws/ccp-v2/softphone',
        'https://acme.my.connect.aws/ccp-v2#/',
        'https://acme.my.connect.aws/connect/ccp-v2/',
        'https://acme.awsapps.com/connect/ccp-v2/',
      ],
      no: [
        'https://acme.awsapps.com/ccp-v2/',
        'https://acme.awsapps.com/connect/ccp#',
        'https://acme.my.connect.aws/agent-app-v2/',
        'https://acme.my.connect.aws/ccp-v20',
        'http://acme.my.connect.aws/ccp-v2/',
        'https://a.b.my.connect.aws/ccp-v2/',
        'https://acme.my.connect.aws.evil.example/ccp-v2/',
        'https://d-123.awsapps.com/start',
      ],
    },
    aircall: {
      yes: ['https://workspace.aircall.io/', 'https://phone.aircall.io/calls'],
      no: ['https://aircall.io/', 'http://workspace.aircall.io/', 'https://dashboard.aircall.io/'],
    },
    dialpad: {
      yes: ['https://dialpad.com/app', 'https://dialpad.com/app/calls'],
      no: [
        'https://dialpad.com/apps/clientID',
        'https://dialpad.com/',
        'https://www.dialpad.com/app',
      ],
    },
    'twilio-flex': {
      yes: [
        'https://flex.twilio.com/agent-desktop/',
        'https://flex.twilio.com/agent-desktop/WTxxx',
      ],
      no: [
        'https://flex.twilio.com/admin/',
        'https://flex.twilio.com/agent-desktopx',
        'https://www.twilio.com/agent-desktop/',
      ],
    },
    'genesys-cloud': {
      yes: [
        'https://apps.mypurecloud.com/directory/',
        'https://apps.mypurecloud.ie/',
        'https://apps.usw2.pure.cloud/',
      ],
      no: [
        'https://mypurecloud.com/',
        'https://apps.evil.pure.cloud/',
        'https://login.mypurecloud.com/',
      ],
    },
    ringcentral: {
      yes: ['https://app.ringcentral.com/phone'],
      no: ['https://apps.ringcentral.com/integration/', 'https://ringcentral.com/'],
    },
    talkdesk: {
      yes: ['https://acme.mytalkdesk.com/atlas/apps/conversation'],
      no: ['https://mytalkdesk.com/', 'https://a.b.mytalkdesk.com/', 'http://acme.mytalkdesk.com/'],
    },
  };

  for (const adapter of Object.values(pageAdaptersById)) {
    it(adapter.id, () => {
      const expected = claims[adapter.id];
      expect(expected).toBeDefined();
      for (const url of expected?.yes ?? []) expect(adapter.matches(new URL(url)), url).toBe(true);
      for (const url of expected?.no ?? []) expect(adapter.matches(new URL(url)), url).toBe(false);
    });
  }

  it('URL-only adapters read nothing from the page', () => {
    const doc = new DOMParser().parseFromString(
      '<div class="Twilio-TaskListBaseItem"><span>+15551234567</span></div>',
      'text/html',
    );
    for (const adapter of Object.values(pageAdaptersById)) {
      if (adapter.readsPage) continue;
      expect(adapter.detectCall(new URL('https://acme.mytalkdesk.com/'), doc)).toBeNull();
    }
  });
});

describe('every call the fixtures expect is one the worker accepts', () => {
  const calls = [
    ...pageCases.map((c) => c.expectedCall),
    ...messageFixtures.flatMap((f) =>
      f.sequences.flatMap((s) => s.steps.map((step) => step.expectedCall)),
    ),
  ];

  it('passes the call-detected schema', () => {
    expect(calls.filter(Boolean).length).toBeGreaterThan(40);
    for (const call of calls) {
      const parsed = messageSchemas['call-detected'].safeParse({
        call,
        url: 'https://crm.example/x',
      });
      expect(parsed.success, JSON.stringify(call)).toBe(true);
    }
  });
});
