import type { CurrentCall } from '../messaging/protocol.ts';

// Chrome opens a side panel only on a user gesture, so a call that rings while the panel is
// closed is announced on the toolbar button and in a notification; clicking the notification
// opens the panel (or, where Chrome refuses that outside a gesture it counts, the panel page in
// a small window of its own).

const notificationPrefix = 'loopdesk-call:';
const sidePanelPath = 'extension/sidepanel/index.html';

/** What the toolbar button says of the current call: RING while it rings, CALL after. */
export function badgeOf(call: CurrentCall | null): { text: string; color: string } {
  if (!call) return { text: '', color: '#00000000' };
  return call.phase === 'ringing'
    ? { text: 'RING', color: '#b3261e' }
    : { text: 'CALL', color: '#1b5e20' };
}

/** Who is calling, in the words the notification uses. */
export function callerLine(call: CurrentCall): string {
  const customer = call.customer;
  if (customer?.status === 'found') return customer.customer.name ?? customer.customer.customerId;
  if (customer?.status === 'ambiguous') {
    return `${call.remote ?? 'A caller'}: ${customer.candidates.length} customers share this number`;
  }
  if (call.withheld) return 'Withheld number';
  return call.remote ? `${call.remote}` : 'Unknown caller';
}

async function panelIsOpen(): Promise<boolean> {
  try {
    const contexts = await chrome.runtime.getContexts({
      contextTypes: [chrome.runtime.ContextType.SIDE_PANEL],
    });
    return contexts.length > 0;
  } catch {
    return false;
  }
}

/** Shows the current call on the toolbar button and, when it starts ringing unseen, notifies. */
export async function announceCall(call: CurrentCall | null, newlyRinging: boolean): Promise<void> {
  const badge = badgeOf(call);
  await chrome.action.setBadgeText({ text: badge.text });
  if (badge.text) await chrome.action.setBadgeBackgroundColor({ color: badge.color });
  if (!call || !newlyRinging || (await panelIsOpen())) return;
  chrome.notifications.create(`${notificationPrefix}${call.key}`, {
    type: 'basic',
    iconUrl: chrome.runtime.getURL('public/icon-128.png'),
    title: 'Incoming call',
    message: callerLine(call),
    contextMessage: 'Click to open LoopDesk',
    priority: 2,
    requireInteraction: true,
  });
}

/** Takes the notification down once the call is answered elsewhere or ends. */
export async function clearCallNotifications(keep: CurrentCall | null): Promise<void> {
  const shown = await chrome.notifications.getAll();
  await Promise.all(
    Object.keys(shown)
      .filter(
        (id) =>
          id.startsWith(notificationPrefix) &&
          !(keep?.phase === 'ringing' && id === `${notificationPrefix}${keep.key}`),
      )
      .map((id) => chrome.notifications.clear(id)),
  );
}

/** The notification's click: open the panel there and then, before anything is awaited. */
export function openPanelFromNotification(notificationId: string): void {
  if (!notificationId.startsWith(notificationPrefix)) return;
  void chrome.notifications.clear(notificationId);
  chrome.sidePanel.open({ windowId: chrome.windows.WINDOW_ID_CURRENT }).catch(async () => {
    const [tab] = await chrome.tabs.query({ active: true, lastFocusedWindow: true });
    const query = tab?.id === undefined ? '' : `?tabId=${tab.id}`;
    await chrome.windows.create({
      url: chrome.runtime.getURL(`${sidePanelPath}${query}`),
      type: 'popup',
      width: 420,
      height: 760,
    });
  });
}
