import type { CallPhase, SoftphoneCall, SoftphonePageAdapter } from './types.ts';
import { boundedText, makeCall, readRemote, remoteNotShown, withheldRemote } from './read.ts';

// Twilio Flex's agent desktop on `https://flex.twilio.com/agent-desktop…` (a public Chrome
// extension for Flex, ceichman/twilio-notification-chrome, matches
// `*://flex.twilio.com/agent-desktop/`). Flex deployments on a customer's own domain cannot be
// listed and are not read.
//
// EXPERIMENTAL: the `Twilio-*` class names are Flex's theme hooks, stable in practice but not an
// API, and the selectors below come from third-party extensions and userscripts.
const HOST = 'flex.twilio.com';
const PATH = /^\/agent-desktop(?:\/|$)/;

// The task list: `.Twilio-TaskListBaseItem` (ceichman/twilio-notification-chrome: "html class
// of task item: Twilio-TaskListBaseItem"; public userscripts run
// `document.querySelectorAll('.Twilio-TaskListBaseItem')`), its first line
// `[data-testid="task-item-first-line"] span` (the same userscripts). A new item is a task
// offered to the agent: ringing.
const TASK_ITEM = '.Twilio-TaskListBaseItem';
const TASK_FIRST_LINE = '[data-testid="task-item-first-line"]';
// The task canvas header of the selected task: `h4.Twilio-TaskCanvasHeader-Name` and
// `.Twilio-TaskCanvasHeader-Name span` (public userscripts and plugins). Shown: the agent is on
// that task, connected.
const CANVAS_HEADER_NAME = '.Twilio-TaskCanvasHeader-Name';

// What both show is the task's name, which for a voice task from Studio's "Send to Flex" is the
// caller's number (gist chase2981/9d38a41b…: `"name": "(435) 999-5175"`, "this shows up in flex
// on the task as the primary text"). Plugins may rename tasks (a name, a city): only a number or
// a withheld marker is read as a call; any other text (a chat's customer name) is no call.
//
// Withheld callers: Twilio documents the alpha strings "ANONYMOUS, RESTRICTED, etc." and that it
// used to translate them into keypad digits (twilio.com/changelog/upcoming-changes-to-withheld-
// caller-ids-behavior-for-dial-calls); `+266696687` (A-N-O-N-Y-M-O-U-S) is quoted by a Twilio
// customer (doorkeeperhq.com/developer/blocking-phone-number-twilio).
const WITHHELD_DIGITS = new Set(['266696687']);

const ID = 'twilio-flex';
const MAX_TASKS = 50;

/** Hidden by the page itself (inline style, `hidden`, `aria-hidden`), up to the document. */
function isHidden(element: Element): boolean {
  for (let node: Element | null = element; node; node = node.parentElement) {
    if (node.hasAttribute('hidden') || node.getAttribute('aria-hidden') === 'true') return true;
    const style = node.getAttribute('style') ?? '';
    if (/display\s*:\s*none|visibility\s*:\s*hidden/i.test(style)) return true;
  }
  return false;
}

function taskCall(text: string | null | undefined, phase: CallPhase): SoftphoneCall | null {
  const shown = boundedText(text ?? '');
  if (!shown) return null;
  if (WITHHELD_DIGITS.has(shown.replace(/[^0-9]/g, ''))) {
    return makeCall(ID, phase, withheldRemote, undefined);
  }
  const remote = readRemote(shown);
  // Only a number or a withheld marker names a caller; a name or a city is not read as a call.
  if (remote === remoteNotShown) return null;
  // No public selector shows the call SID or the task SID: the call has no id of its own.
  return makeCall(ID, phase, remote, undefined);
}

function visible(doc: Document, selector: string): Element[] {
  return [...doc.querySelectorAll(selector)].slice(0, MAX_TASKS).filter((e) => !isHidden(e));
}

export const twilioFlex: SoftphonePageAdapter = {
  id: ID,
  matches: (url) =>
    url.protocol === 'https:' && !url.port && url.hostname === HOST && PATH.test(url.pathname),
  readsPage: true,
  detectCall(_url, doc) {
    for (const header of visible(doc, CANVAS_HEADER_NAME)) {
      const connected = taskCall(header.textContent, 'connected');
      if (connected) return connected;
    }
    // No public markup shows a task item's state: a call the agent accepted but is not looking
    // at (another task selected) reads as ringing too.
    for (const item of visible(doc, TASK_ITEM)) {
      const firstLine =
        item.querySelector(`${TASK_FIRST_LINE} span`) ?? item.querySelector(TASK_FIRST_LINE);
      const ringing = firstLine ? taskCall(firstLine.textContent, 'ringing') : null;
      if (ringing) return ringing;
    }
    return null;
  },
};
