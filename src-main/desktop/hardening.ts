import type { Session, WebContents } from 'electron';
import { isAppPage } from './app-page.js';
import { withCspHeader } from './csp-header.js';
import { isSafeExternalUrl } from './external-url.js';
import { isPermissionAllowed } from './permissions.js';

/**
 * Session-wide rules. The UI needs no camera, microphone, location, notifications from the page
 * or any other browser permission, so every request and every check is answered no, but for
 * clipboard writes from the app's own page. Device access (HID, serial, USB) and screen capture
 * are decided by handlers of their own, so they are refused there too.
 * The CSP header doubles the meta tag of the built page; `csp` is null for the dev server, whose
 * hot reload needs an inline script a strict policy blocks.
 */
export function hardenSession(session: Session, csp: string | null, appPageUrl: string): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) =>
    callback(isPermissionAllowed(permission, details.requestingUrl, appPageUrl)),
  );
  session.setPermissionCheckHandler((_contents, permission, _origin, details) =>
    isPermissionAllowed(permission, details.requestingUrl, appPageUrl),
  );
  session.setDevicePermissionHandler(() => false);
  session.setDisplayMediaRequestHandler((_request, callback) => callback(null));
  if (csp !== null) {
    session.webRequest.onHeadersReceived((details, callback) =>
      callback({ responseHeaders: withCspHeader(details.responseHeaders, csp) }),
    );
  }
}

export interface WebContentsPolicy {
  appPageUrl: string;
  /** Hands a web link to the OS browser (shell.openExternal). */
  openExternal: (url: string) => Promise<void>;
  onError: (message: string, err: unknown) => void;
}

const hardened = new WeakSet<WebContents>();

/**
 * Rules for every web contents the app creates: it stays on the app's page, opens no windows
 * of its own (web links go to the user's browser instead) and embeds no <webview>. Applied by
 * the window registry and, as a backstop, to any web contents Electron creates; once is enough.
 */
/** Whether hardenWebContents put its guards on these contents (the checkpoints ask). */
export function isHardened(contents: WebContents): boolean {
  return hardened.has(contents);
}

export function hardenWebContents(contents: WebContents, policy: WebContentsPolicy): void {
  if (hardened.has(contents)) return;
  hardened.add(contents);
  const stayOnAppPage = (event: { url: string; preventDefault(): void }): void => {
    if (!isAppPage(event.url, policy.appPageUrl)) event.preventDefault();
  };
  contents.on('will-navigate', stayOnAppPage);
  contents.on('will-redirect', stayOnAppPage);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isSafeExternalUrl(url)) {
      policy
        .openExternal(url)
        .catch((err: unknown) => policy.onError('could not open a link in the browser', err));
    }
    return { action: 'deny' };
  });
}
