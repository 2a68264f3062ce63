import { describe, expect, it, vi } from 'vitest';
import type { Envelope, Message } from './protocol.ts';
import { contentPortName, portSender, servePort } from './port.ts';

class FakeEvent<Args extends unknown[]> {
  private listeners: ((...args: Args) => void)[] = [];
  addListener(listener: (...args: Args) => void) {
    this.listeners.push(listener);
  }
  fire(...args: Args) {
    for (const listener of this.listeners) listener(...args);
  }
}

/** One end of a port: what it posted, and events the test fires as the other end. */
class FakePort {
  readonly posted: unknown[] = [];
  readonly onMessage = new FakeEvent<[unknown]>();
  readonly onDisconnect = new FakeEvent<[]>();
  disconnected = false;
  constructor(
    readonly name: string,
    readonly sender?: chrome.runtime.MessageSender,
  ) {}
  postMessage(message: unknown) {
    if (this.disconnected) throw new Error('Attempting to use a disconnected port object');
    this.posted.push(message);
  }
  disconnect() {
    this.disconnected = true;
    this.onDisconnect.fire();
  }
}

const asPort = (port: FakePort) => port as unknown as chrome.runtime.Port;

const report = (recordId: string): Message<'customer-detected'> => ({
  type: 'customer-detected',
  url: `https://crm.example.com/customers/${recordId}`,
  ref: { crm: 'demo', type: 'customer', id: recordId },
});

function fakeRuntime() {
  const ports: FakePort[] = [];
  const runtime = {
    lastError: undefined as chrome.runtime.LastError | undefined,
    connect: vi.fn((info?: chrome.runtime.ConnectInfo) => {
      const port = new FakePort(info?.name ?? '');
      ports.push(port);
      return asPort(port);
    }),
  };
  return { runtime, ports };
}

describe('portSender', () => {
  it('opens one named port on first use and matches each answer to its request by id', async () => {
    const { runtime, ports } = fakeRuntime();
    const send = portSender(runtime as unknown as typeof chrome.runtime);
    expect(runtime.connect).not.toHaveBeenCalled();
    const first = send(report('C1'));
    const second = send(report('C2'));
    expect(ports).toHaveLength(1);
    expect(ports[0]?.name).toBe(contentPortName);
    const [a, b] = ports[0]!.posted as { id: number; message: Message<'customer-detected'> }[];
    expect(b?.message.ref?.id).toBe('C2');
    // Answered out of order.
    ports[0]!.onMessage.fire({ id: b!.id, response: { ok: true, value: 'second' } });
    ports[0]!.onMessage.fire({ id: a!.id, response: { ok: false, error: 'no' } });
    await expect(first).resolves.toEqual({ ok: false, error: 'no' });
    await expect(second).resolves.toEqual({ ok: true, value: 'second' });
  });

  it('rejects what the worker never answered when the port closes, then reconnects', async () => {
    const { runtime, ports } = fakeRuntime();
    const send = portSender(runtime as unknown as typeof chrome.runtime);
    const pending = send(report('C1'));
    ports[0]!.disconnect();
    await expect(pending).rejects.toThrow(/closed/);
    const next = send(report('C2'));
    expect(ports).toHaveLength(2);
    const { id } = ports[1]!.posted[0] as { id: number };
    ports[1]!.onMessage.fire({ id, response: { ok: true, value: null } });
    await expect(next).resolves.toEqual({ ok: true, value: null });
  });

  it('rejects with the browser error when the extension context is gone', async () => {
    const runtime = {
      lastError: undefined,
      connect: () => {
        throw new Error('Extension context invalidated.');
      },
    };
    const send = portSender(runtime as unknown as typeof chrome.runtime);
    await expect(send(report('C1'))).rejects.toThrow(/context invalidated/);
  });

  it('ignores replies that are not answers to a request', async () => {
    const { runtime, ports } = fakeRuntime();
    const send = portSender(runtime as unknown as typeof chrome.runtime);
    const pending = send(report('C1'));
    ports[0]!.onMessage.fire({ id: 999, response: { ok: true, value: 'stray' } });
    ports[0]!.onMessage.fire('not a reply');
    const { id } = ports[0]!.posted[0] as { id: number };
    ports[0]!.onMessage.fire({ id, response: { ok: true, value: 'mine' } });
    await expect(pending).resolves.toEqual({ ok: true, value: 'mine' });
  });
});

describe('servePort', () => {
  const sender = { id: 'ext', tab: { id: 7 }, frameId: 0, url: 'https://crm.example.com/' };

  it("hands each request to the worker's listener with the port's sender and answers by id", () => {
    const port = new FakePort(contentPortName, sender as chrome.runtime.MessageSender);
    const listener = vi.fn(
      (_message: unknown, _sender: unknown, reply: (response: Envelope<unknown>) => void) =>
        reply({ ok: true, value: 'stored' }),
    );
    servePort(asPort(port), listener);
    port.onMessage.fire({ id: 4, message: report('C1') });
    expect(listener).toHaveBeenCalledWith(report('C1'), sender, expect.any(Function));
    expect(port.posted).toEqual([{ id: 4, response: { ok: true, value: 'stored' } }]);
  });

  it('ignores ports of other names and requests without an id; never answers a closed port', () => {
    const listener = vi.fn();
    const other = new FakePort('something-else', sender as chrome.runtime.MessageSender);
    servePort(asPort(other), listener);
    other.onMessage.fire({ id: 1, message: report('C1') });
    expect(listener).not.toHaveBeenCalled();

    const port = new FakePort(contentPortName, sender as chrome.runtime.MessageSender);
    let answer: ((response: Envelope<unknown>) => void) | undefined;
    servePort(asPort(port), (_m, _s, reply) => {
      answer = reply;
    });
    port.onMessage.fire({ message: report('C1') });
    expect(answer).toBeUndefined();
    port.onMessage.fire({ id: 2, message: report('C1') });
    port.disconnect();
    expect(() => answer?.({ ok: true, value: null })).not.toThrow();
    expect(port.posted).toEqual([]);
  });
});
