import { describe, expect, it } from 'vitest';
import type { Call } from '../../src/contract/calls.ts';
import type { SoftphoneCall } from '../../src/contract/softphone-call.ts';
import { CallTracker } from './call-tracker.ts';
import { callReportOf, currentCallOf, softphoneUpdate } from './calls.ts';

const ring: SoftphoneCall = {
  softphone: 'aircall-everywhere',
  phase: 'ringing',
  remote: '+1 415 555 0101',
  withheld: false,
  callId: '812',
};
const t0 = new Date('2026-12-03T10:00:00Z');
const t1 = new Date('2026-12-03T10:00:05Z');
const t2 = new Date('2026-12-03T10:03:00Z');

function memoryArea() {
  const items: Record<string, unknown> = {};
  return {
    items,
    get: async (key: string) => (key in items ? { [key]: structuredClone(items[key]) } : {}),
    set: async (values: Record<string, unknown>) =>
      void Object.assign(items, structuredClone(values)),
    remove: async (key: string) => void delete items[key],
  };
}
const serial = <T>(run: () => Promise<T>) => run();

const serverRing = (over: Partial<Call> = {}): Call => ({
  callId: 'CA9',
  platform: 'twilio',
  state: 'ringing',
  caller: { phone: '+14155550101', raw: '+14155550101', withheld: false },
  customer: {
    status: 'found',
    customer: { customerId: 'C1', name: 'Harper Johnson', email: null, phone: null },
  },
  at: '2026-12-03T10:00:01.000Z',
  ...over,
});

describe('the call a softphone shows', () => {
  it('follows one call from ring to end, keyed by the softphone id of it', () => {
    const rang = softphoneUpdate(undefined, ring, 4, t0)!;
    expect(rang).toMatchObject({
      key: 'aircall-everywhere:812',
      phase: 'ringing',
      source: 'softphone',
    });
    const answered = softphoneUpdate(rang, { ...ring, phase: 'connected' }, 4, t1)!;
    expect(answered).toMatchObject({
      key: rang.key,
      phase: 'connected',
      startedAt: rang.startedAt,
    });
    const over = softphoneUpdate(answered, null, 4, t2)!;
    expect(over.phase).toBe('ended');
    expect(softphoneUpdate(over, null, 4, t2)).toBeNull();
  });

  it('takes a new call id, or a new number without ids, as a new call', () => {
    const rang = softphoneUpdate(undefined, ring, 4, t0)!;
    expect(softphoneUpdate(rang, { ...ring, callId: '813' }, 4, t1)!.key).toBe(
      'aircall-everywhere:813',
    );
    const noId = { ...ring, callId: undefined };
    const first = softphoneUpdate(undefined, noId, 4, t0)!;
    expect(first.key).toBe(`aircall-everywhere:tab4-${t0.getTime()}`);
    expect(softphoneUpdate(first, { ...noId, phase: 'held' }, 4, t1)!.key).toBe(first.key);
    expect(softphoneUpdate(first, { ...noId, remote: '+1 212 555 0199' }, 4, t1)!.key).not.toBe(
      first.key,
    );
  });

  it('reports a withheld number as withheld, and held as still connected', () => {
    const hidden = softphoneUpdate(undefined, { ...ring, remote: null, withheld: true }, 1, t0)!;
    expect(callReportOf(hidden)).toMatchObject({
      from: 'anonymous',
      state: 'ringing',
      callId: '812',
    });
    const held = softphoneUpdate(
      hidden,
      { ...ring, remote: null, withheld: true, phase: 'held' },
      1,
      t1,
    )!;
    expect(callReportOf(held).state).toBe('connected');
  });
});

describe('the call the panel follows', () => {
  it('is the one that rang last, and the backend’s when both report one call', async () => {
    const tracker = new CallTracker(memoryArea(), serial);
    const fromPage = await tracker.fromSoftphone(4, ring, t0);
    expect(fromPage).toMatchObject({ currentChanged: true, current: { source: 'softphone' } });
    // The platform reports the same call (same number, other prefix): the backend's wins.
    const fromServer = await tracker.fromServer(serverRing(), t1);
    expect(fromServer.current).toMatchObject({ source: 'server', key: 'twilio:CA9' });
    expect(fromServer.previous?.source).toBe('softphone');
    // The same state again changes nothing the panel shows.
    expect((await tracker.fromServer(serverRing(), t1)).currentChanged).toBe(false);
    await tracker.fromServer(serverRing({ state: 'ended' }), t2);
    expect((await tracker.current())?.source).toBe('softphone');
    const closed = await tracker.forgetTab(4, t2);
    expect(closed.sourceCall?.phase).toBe('ended');
    expect(closed.current).toBeNull();
  });

  it('ends the call a softphone showed when it shows another', async () => {
    const tracker = new CallTracker(memoryArea(), serial);
    await tracker.fromSoftphone(4, ring, t0);
    const next = await tracker.fromSoftphone(
      4,
      { ...ring, callId: '900', remote: null, withheld: true },
      t1,
    );
    expect(next.replaced).toMatchObject({ key: 'aircall-everywhere:812', phase: 'ended' });
    expect(next.sourceCall?.key).toBe('aircall-everywhere:900');
    const same = await tracker.fromSoftphone(
      4,
      { ...ring, callId: '900', remote: null, withheld: true, phase: 'connected' },
      t2,
    );
    expect(same.replaced).toBeNull();
  });

  it('picks the latest of two calls going on', () => {
    const a = softphoneUpdate(undefined, ring, 1, t0)!;
    const b = softphoneUpdate(
      undefined,
      { ...ring, callId: '9', remote: '+1 212 555 0199' },
      2,
      t1,
    )!;
    expect(currentCallOf([a, b])?.key).toBe(b.key);
    expect(currentCallOf([{ ...b, phase: 'ended' }, a])?.key).toBe(a.key);
  });
});
