import type { ContentMessageType, Envelope, Message, ResponseOf } from './protocol.ts';

/**
 * Content script → worker over one long-lived port instead of a sendMessage per report. Each
 * sendMessage opens a channel through the browser first; on an open port a report is one
 * hop, which took about half the time of a customer's path from the page to the worker
 * (bench/extension-time-to-insight.bench.ts). The worker may stop at any time and take the
 * port with it: the next report opens a new one, and a report the worker never answered
 * rejects, so the detector sends it again.
 */
export const contentPortName = 'loopdesk-content';

interface PortRequest {
  id: number;
  message: unknown;
}

interface PortReply {
  id: number;
  response: Envelope<unknown>;
}

type Runtime = Pick<typeof chrome.runtime, 'connect'>;
type Settle = [resolve: (reply: Envelope<unknown>) => void, reject: (error: unknown) => void];

/** What the content script sends the worker, and the answer it gets back. */
export type ContentSend = <T extends ContentMessageType>(
  message: Message<T>,
) => Promise<Envelope<ResponseOf<T>>>;

/** A sender for the content script; requests are answered in any order, matched by id. */
export function portSender(runtime: Runtime): ContentSend {
  let port: chrome.runtime.Port | undefined;
  let lastId = 0;
  const waiting = new Map<number, Settle>();

  function open(): chrome.runtime.Port {
    const opened = runtime.connect({ name: contentPortName });
    opened.onMessage.addListener((raw: unknown) => {
      const reply = raw as Partial<PortReply> | null;
      const id = reply?.id;
      if (typeof id !== 'number') return;
      waiting.get(id)?.[0](reply?.response as Envelope<unknown>);
      waiting.delete(id);
    });
    opened.onDisconnect.addListener(() => {
      if (port === opened) port = undefined;
      const pending = [...waiting.values()];
      waiting.clear();
      for (const [, reject] of pending) reject(new Error('The worker closed the port'));
    });
    return opened;
  }

  return <T extends ContentMessageType>(message: Message<T>) =>
    new Promise<Envelope<ResponseOf<T>>>((resolve, reject) => {
      port ??= open();
      const id = ++lastId;
      waiting.set(id, [resolve as Settle[0], reject]);
      try {
        port.postMessage({ id, message } satisfies PortRequest);
      } catch (error) {
        // A port whose worker has gone: the next report opens a new one.
        waiting.delete(id);
        port = undefined;
        reject(error);
      }
    });
}

type WorkerListener = (
  message: unknown,
  sender: chrome.runtime.MessageSender,
  sendResponse: (response: Envelope<unknown>) => void,
) => unknown;

/**
 * Worker side: runs each request on a content script's port through the same listener (and so
 * the same validation and sender checks) as runtime.onMessage, and answers on the port.
 */
export function servePort(port: chrome.runtime.Port, listener: WorkerListener): void {
  if (port.name !== contentPortName || !port.sender) return;
  const sender = port.sender;
  let open = true;
  port.onDisconnect.addListener(() => {
    open = false;
  });
  port.onMessage.addListener((raw: unknown) => {
    const request = raw as Partial<PortRequest> | null;
    if (typeof request?.id !== 'number') return;
    const id = request.id;
    listener(request.message, sender, (response) => {
      if (open) port.postMessage({ id, response } satisfies PortReply);
    });
  });
}
