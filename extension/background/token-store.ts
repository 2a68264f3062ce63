import { idbDelete, idbGet, idbPut, openDatabase } from './idb.ts';
import {
  backendUrlSessionKey,
  idbSecretKeys,
  idbStores,
  tokenSessionKey,
} from '../shared/storage-keys.ts';

const secretsStore = idbStores.secrets;

/**
 * The token and the backend URL are never in storage.local: content scripts can read and write
 * that, so a compromised CRM page could read the token or point the worker at its own server.
 * The live copy is in storage.session, limited to trusted contexts (setAccessLevel at worker
 * start); the lasting copy is in the extension origin's IndexedDB, which pages and content
 * scripts cannot open. storage.session alone would be lost on browser restart, IndexedDB alone
 * is slower per call. Only the worker writes them, when the options page asks.
 */
interface TrustedKey {
  session: string;
  idb: string;
}

const tokenKey: TrustedKey = { session: tokenSessionKey, idb: idbSecretKeys.token };
const backendUrlKey: TrustedKey = {
  session: backendUrlSessionKey,
  idb: idbSecretKeys.backendUrl,
};

export async function restrictSessionStorage(): Promise<void> {
  await chrome.storage.session.setAccessLevel({ accessLevel: 'TRUSTED_CONTEXTS' });
}

async function readTrusted(key: TrustedKey): Promise<string | null> {
  const live = (await chrome.storage.session.get(key.session))[key.session];
  if (typeof live === 'string' && live) return live;
  const db = await openDatabase();
  try {
    const stored = await idbGet<string>(db, secretsStore, key.idb);
    if (typeof stored !== 'string' || !stored) return null;
    await chrome.storage.session.set({ [key.session]: stored });
    return stored;
  } finally {
    db.close();
  }
}

async function writeTrusted(key: TrustedKey, value: string): Promise<void> {
  const db = await openDatabase();
  try {
    await idbPut(db, secretsStore, value, key.idb);
  } finally {
    db.close();
  }
  await chrome.storage.session.set({ [key.session]: value });
}

async function clearTrusted(key: TrustedKey): Promise<void> {
  const db = await openDatabase();
  try {
    await idbDelete(db, secretsStore, key.idb);
  } finally {
    db.close();
  }
  await chrome.storage.session.remove(key.session);
}

export const readToken = (): Promise<string | null> => readTrusted(tokenKey);
export const writeToken = (token: string): Promise<void> => writeTrusted(tokenKey, token);
export const clearToken = (): Promise<void> => clearTrusted(tokenKey);

/** As saved through the options page; still checked on every use (backend-access.ts). */
export const readBackendUrl = (): Promise<string | null> => readTrusted(backendUrlKey);
export const writeBackendUrl = (url: string): Promise<void> => writeTrusted(backendUrlKey, url);
