import type { Envelope, Message, MessageType, RequestOf, ResponseOf } from './protocol.ts';

/**
 * Typed request to the worker. Kept free of zod and other weight so the content script can
 * use it; the worker validates on its side.
 */
export async function sendMessage<T extends MessageType>(
  type: T,
  request: RequestOf<T>,
): Promise<ResponseOf<T>> {
  const message = { type, ...request } as Message<T>;
  const envelope = (await chrome.runtime.sendMessage(message)) as
    Envelope<ResponseOf<T>> | undefined;
  if (!envelope) throw new Error(`no answer to '${type}'`);
  if (!envelope.ok) throw new Error(envelope.error);
  return envelope.value;
}
