import type { CrmAdapter } from './types.ts';
import {
  boundedEmail,
  boundedId,
  boundedName,
  elementValue,
  first,
  makeRef,
  requesterRef,
  splitNameAndEmail,
} from './read.ts';

// Request Tracker 5. RT is installed on any origin, often under a web path such as /rt, so it
// is matched by path alone. On a ticket the owner is rendered with the same markup as the
// requestors, hence the `.requestors` scope.
const TICKET_PATH = /^(?:\/[^?#]*)?\/Ticket\/Display\.html$/;
const USER_PATH = /^(?:\/[^?#]*)?\/User\/Summary\.html$/;
const NUMERIC_ID = /^\d{1,12}$/;

const selectors = {
  requestor: '.ticket-info-people .requestors span.user[data-user-id] > a',
  userEmail: ['.user-summary-extra-field.EmailAddress .current-value'],
  userName: ['.user-summary-extra-field.RealName .current-value'],
} as const;

function numericId(url: URL): string | undefined {
  const id = url.searchParams.get('id')?.trim();
  return id && NUMERIC_ID.test(id) ? id : undefined;
}

export const requestTracker: CrmAdapter<'rt'> = {
  id: 'rt',
  matches: (url) => TICKET_PATH.test(url.pathname) || USER_PATH.test(url.pathname),
  pageKind(url) {
    if (!numericId(url)) return null;
    return TICKET_PATH.test(url.pathname) ? 'ticket' : 'user';
  },
  detect(url, doc) {
    const id = numericId(url);
    if (!id) return null;
    if (TICKET_PATH.test(url.pathname)) {
      const { name, email } = splitNameAndEmail(
        elementValue(doc.querySelector(selectors.requestor)),
      );
      return requesterRef('rt', 'ticket', { email, displayName: name, context: id });
    }
    return makeRef('rt', 'user', {
      id: boundedId(id),
      email: boundedEmail(elementValue(first(doc, selectors.userEmail))),
      displayName: boundedName(elementValue(first(doc, selectors.userName))),
    });
  },
};
