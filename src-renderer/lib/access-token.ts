const STORAGE_KEY = 'cell0.accessToken';

/** The parts of location, sessionStorage and history used here, so tests can pass plain objects. */
export interface TokenSources {
  location: { hash: string; pathname: string; search: string };
  storage: { getItem(key: string): string | null; setItem(key: string, value: string): void };
  history: { state: unknown; replaceState(data: unknown, unused: string, url?: string | null): void };
}

/**
 * Serve mode hands the token in the URL fragment (never sent to the server in requests or logs).
 * It moves into sessionStorage so a reload still works, and out of the address bar so it is not
 * shared by a screenshot or a copied link.
 */
export function takeAccessToken({ location: loc, storage, history }: TokenSources): string {
  const match = /(?:^#|&)token=([^&]*)/.exec(loc.hash);
  if (match?.[1] !== undefined) {
    const token = decodeURIComponent(match[1]);
    storage.setItem(STORAGE_KEY, token);
    history.replaceState(history.state, '', loc.pathname + loc.search);
    return token;
  }
  return storage.getItem(STORAGE_KEY) ?? '';
}
