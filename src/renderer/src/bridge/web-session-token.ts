import { WEB_SESSION_FRAGMENT } from '../../../shared/bridge/bridge-protocol.ts';

const STORAGE_KEY = 'keyport.webSession';

/**
 * Web mode's session token for this tab. The login link's redirect brings it in the fragment
 * once; it is moved to sessionStorage (this origin and tab only, kept across reloads) and wiped
 * from the address bar and history entry. Null when this tab was never given one.
 */
export function webSessionToken(): string | null {
  const given = new URLSearchParams(location.hash.slice(1)).get(WEB_SESSION_FRAGMENT);
  if (given) {
    sessionStorage.setItem(STORAGE_KEY, given);
    history.replaceState(history.state, '', `${location.pathname}${location.search}`);
  }
  return sessionStorage.getItem(STORAGE_KEY);
}
