import { parseMessage } from './schemas.ts';
import { mayPageAccept, mayWorkerAccept, type SenderInfo } from './sender.ts';
import type {
  BroadcastType,
  Envelope,
  Message,
  RequestOf,
  ResponseOf,
  WorkerRequestType,
} from './protocol.ts';

export type WorkerHandlers = {
  [T in WorkerRequestType]: (
    request: RequestOf<T>,
    sender: chrome.runtime.MessageSender,
  ) => Promise<ResponseOf<T>> | ResponseOf<T>;
};

type Listener = (
  message: unknown,
  sender: chrome.runtime.MessageSender,
  sendResponse: (response: Envelope<unknown>) => void,
) => boolean;

/**
 * The worker's runtime.onMessage listener: validates each message against its schema, checks
 * the sender may send it, then runs the handler and answers with an envelope.
 */
export function createWorkerListener(
  handlers: WorkerHandlers,
  extensionId: string,
  onRejected: (reason: string) => void = () => {},
): Listener {
  return (raw, sender, sendResponse) => {
    const parsed = parseMessage(raw);
    if (!parsed.ok) {
      onRejected(parsed.error);
      sendResponse({ ok: false, error: parsed.error });
      return false;
    }
    const { type, ...request } = parsed.message;
    if (!mayWorkerAccept(type, sender as SenderInfo, extensionId)) {
      const error = `'${type}' is not accepted from this sender`;
      onRejected(error);
      sendResponse({ ok: false, error });
      return false;
    }
    if (!(type in handlers)) return false;
    const handler = handlers[type as WorkerRequestType] as (
      request: unknown,
      sender: chrome.runtime.MessageSender,
    ) => unknown;
    Promise.resolve()
      .then(() => handler(request, sender))
      .then(
        (value) => sendResponse({ ok: true, value }),
        (error: unknown) =>
          sendResponse({
            ok: false,
            error: error instanceof Error ? error.message : String(error),
          }),
      );
    return true;
  };
}

export type BroadcastHandlers = {
  [T in BroadcastType]?: (request: RequestOf<T>) => void;
};

/** Listener for extension pages: validated broadcasts from our own contexts only. */
export function createPageListener(
  handlers: BroadcastHandlers,
  extensionId: string,
): (message: unknown, sender: chrome.runtime.MessageSender) => void {
  return (raw, sender) => {
    const parsed = parseMessage(raw);
    if (!parsed.ok) return;
    const { type, ...request } = parsed.message;
    if (!mayPageAccept(type, sender as SenderInfo, extensionId)) return;
    const handler = handlers[type as BroadcastType] as ((request: unknown) => void) | undefined;
    handler?.(request);
  };
}

/** Worker → pages. Nobody listening (no panel open) is normal, not an error. */
export async function broadcast<T extends BroadcastType>(
  type: T,
  request: RequestOf<T>,
): Promise<void> {
  const message = { type, ...request } as Message<T>;
  try {
    await chrome.runtime.sendMessage(message);
  } catch {
    // "Receiving end does not exist": no page open.
  }
}
