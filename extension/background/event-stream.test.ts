import { describe, expect, it, vi } from 'vitest';
import type { Call } from '../../src/contract/calls.ts';
import { keepEventStream, reconnectDelayMs, type EventStreamDeps } from './event-stream.ts';

const call = (callId: string, state: Call['state']): Call => ({
  callId,
  platform: 'twilio',
  state,
  caller: { phone: '+14155550101', raw: '+14155550101', withheld: false },
  customer: { status: 'unknown' },
  at: '2026-12-03T10:00:00.000Z',
});
const frame = (id: number, body: unknown) =>
  `id: ${id}\nevent: call\ndata: ${JSON.stringify(body)}\n\n`;

function streamOf(text: string[]): Response {
  const encoder = new TextEncoder();
  return new Response(
    new ReadableStream({
      start(controller) {
        for (const chunk of text) controller.enqueue(encoder.encode(chunk));
        controller.close();
      },
    }),
    { status: 200, headers: { 'content-type': 'text/event-stream' } },
  );
}

function deps(responses: (() => Response | Promise<Response>)[], stop: AbortController) {
  let lastEventId: string | null = null;
  const calls: Call[] = [];
  const sentIds: (string | null)[] = [];
  const sleeps: number[] = [];
  const fake: EventStreamDeps = {
    access: async () => ({ baseUrl: 'http://127.0.0.1:8787', token: 't' }),
    readLastEventId: async () => lastEventId,
    writeLastEventId: async (id) => void (lastEventId = id),
    onCall: async (c) => void calls.push(c),
    onActivity: vi.fn(),
    fetch: vi.fn(async (_url: string | URL | Request, init?: RequestInit) => {
      sentIds.push(new Headers(init?.headers).get('last-event-id'));
      const next = responses.shift();
      if (!next) {
        stop.abort();
        throw new Error('no more');
      }
      return next();
    }),
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 0.5,
    warn: vi.fn(),
  };
  return { fake, calls, sentIds, sleeps };
}

describe('the agent event stream', () => {
  it('takes calls in order and resumes after the last one taken', async () => {
    const stop = new AbortController();
    const { fake, calls, sentIds, sleeps } = deps(
      [
        () => streamOf(['retry: 3000\n\n', frame(7, call('A', 'ringing')), ': keep-alive\n\n']),
        () => Promise.reject(new Error('connection refused')),
        () => streamOf([frame(8, call('A', 'connected')), frame(9, { nonsense: true })]),
      ],
      stop,
    );
    await keepEventStream(fake, stop.signal);
    expect(calls.map((c) => `${c.callId}:${c.state}`)).toEqual(['A:ringing', 'A:connected']);
    expect(sentIds).toEqual([null, '7', '7', '9']);
    // After a good connection the wait starts small again; a failure doubles it.
    expect(sleeps).toEqual([
      reconnectDelayMs(1, 0.5),
      reconnectDelayMs(2, 0.5),
      reconnectDelayMs(1, 0.5),
    ]);
    expect(fake.onActivity).toHaveBeenCalled();
    expect(fake.warn).toHaveBeenCalledWith(expect.stringContaining('unexpected shape'));
  });

  it('stops, without retrying, when the token is refused', async () => {
    const stop = new AbortController();
    const { fake, sleeps } = deps([() => new Response('{}', { status: 401 })], stop);
    await keepEventStream(fake, stop.signal);
    expect(fake.fetch).toHaveBeenCalledTimes(1);
    expect(sleeps).toEqual([]);
  });

  it('waits longer after each failure, up to a minute', () => {
    expect(reconnectDelayMs(1, 0)).toBe(500);
    expect(reconnectDelayMs(3, 1)).toBe(4_000);
    expect(reconnectDelayMs(30, 1)).toBe(60_000);
  });
});
