import { idbDelete, idbGet, idbPut, openDatabase, secretsStore } from './idb.ts';

/**
 * The token is never in storage.local (content scripts can read that). The live copy is in
 * storage.session, limited to trusted contexts (setAccessLevel at worker start); the lasting
 * copy is in the extension origin's IndexedDB, which pages and content scripts cannot open.
 * storage.session alone would be lost on browser restart, IndexedDB alone is slower per call.
 */
const sessionKey = 'loopdesk.token';
const idbKey = 'token';

export async function restrictSessionStorage(): Promise<void> {
  await chrome.storage.session.setAccessLevel({ accessLevel: 'TRUSTED_CONTEXTS' });
}

export async function readToken(): Promise<string | null> {
  const live = (await chrome.storage.session.get(sessionKey))[sessionKey];
  if (typeof live === 'string' && live) return live;
  const db = await openDatabase();
  try {
    const stored = await idbGet<string>(db, secretsStore, idbKey);
    if (typeof stored !== 'string' || !stored) return null;
    await chrome.storage.session.set({ [sessionKey]: stored });
    return stored;
  } finally {
    db.close();
  }
}

export async function writeToken(token: string): Promise<void> {
  const db = await openDatabase();
  try {
    await idbPut(db, secretsStore, token, idbKey);
  } finally {
    db.close();
  }
  await chrome.storage.session.set({ [sessionKey]: token });
}

export async function clearToken(): Promise<void> {
  const db = await openDatabase();
  try {
    await idbDelete(db, secretsStore, idbKey);
  } finally {
    db.close();
  }
  await chrome.storage.session.remove(sessionKey);
}
