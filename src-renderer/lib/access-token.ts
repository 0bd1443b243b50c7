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
export function takeAccessToken(sources: TokenSources): string {
  return takeFragmentToken(sources) ?? sources.storage.getItem(STORAGE_KEY) ?? '';
}

/** Where hashchange is heard: the window, or an EventTarget in tests. */
export interface HashChangeTarget {
  addEventListener(type: 'hashchange', listener: () => void): void;
  removeEventListener(type: 'hashchange', listener: () => void): void;
}

/** The fragment's token, moved into storage and out of the address bar; null when it has none. */
function takeFragmentToken({ location: loc, storage, history }: TokenSources): string | null {
  const match = /(?:^#|&)token=([^&]*)/.exec(loc.hash);
  if (match?.[1] === undefined) return null;
  const token = decodeURIComponent(match[1]);
  storage.setItem(STORAGE_KEY, token);
  history.replaceState(history.state, '', loc.pathname + loc.search);
  return token;
}

/**
 * A restarted `cell0 serve` prints a new URL with a new token. Opened in a tab already showing the
 * app (same address, new fragment) the browser only fires hashchange, so the token is taken again
 * here and handed on. Returns the unsubscribe.
 */
export function watchAccessToken(
  sources: TokenSources,
  target: HashChangeTarget,
  onToken: (token: string) => void,
): () => void {
  const onHashChange = () => {
    const token = takeFragmentToken(sources);
    if (token !== null) onToken(token);
  };
  target.addEventListener('hashchange', onHashChange);
  return () => target.removeEventListener('hashchange', onHashChange);
}
