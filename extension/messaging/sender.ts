import type { MessageType } from './protocol.ts';
import { broadcastMessageTypes, contentMessageTypes } from './protocol.ts';

/** The parts of `chrome.runtime.MessageSender` the checks read. */
export interface SenderInfo {
  id?: string;
  url?: string;
  origin?: string;
  frameId?: number;
  tab?: { id?: number };
}

export type SenderKind = 'content' | 'extension';

function isOwnExtensionUrl(url: string | undefined, extensionId: string): boolean {
  return url !== undefined && url.startsWith(`chrome-extension://${extensionId}/`);
}

/**
 * Who sent a message, or null when it came from somewhere it must not be trusted.
 * A content script: our extension id, a tab, a web (http/https) frame URL. An extension page
 * (panel, options, also when opened in a tab) or the worker: our id, a URL under our own origin.
 */
export function classifySender(sender: SenderInfo, extensionId: string): SenderKind | null {
  if (sender.id !== extensionId) return null;
  if (sender.tab?.id !== undefined && sender.url && /^https?:\/\//.test(sender.url)) {
    return 'content';
  }
  if (isOwnExtensionUrl(sender.url, extensionId)) return 'extension';
  return null;
}

const contentTypes = new Set<MessageType>(contentMessageTypes);
const broadcastTypes = new Set<MessageType>(broadcastMessageTypes);

/** Whether a sender of this kind may send this message to the worker. */
export function mayWorkerAccept(
  type: MessageType,
  sender: SenderInfo,
  extensionId: string,
): boolean {
  const kind = classifySender(sender, extensionId);
  if (contentTypes.has(type)) return kind === 'content' && sender.frameId === 0;
  if (broadcastTypes.has(type)) return false;
  return kind === 'extension';
}

/** Whether an extension page may accept this broadcast: only our own contexts send them. */
export function mayPageAccept(type: MessageType, sender: SenderInfo, extensionId: string): boolean {
  if (!broadcastTypes.has(type)) return false;
  return classifySender(sender, extensionId) === 'extension';
}
