import { isAppPage } from './app-page.js';

/** What the IPC transport knows about the frame a message came from. */
export interface SenderFrame {
  url: string;
  isMainFrame: boolean;
}

/**
 * Only the app's own page, in a window's top frame, may talk to the core over IPC: the IPC
 * channel skips the token check, so a subframe or a page the window was somehow navigated to
 * must get nothing.
 */
export function isTrustedSender(frame: SenderFrame | null | undefined, appPageUrl: string): boolean {
  return !!frame && frame.isMainFrame && isAppPage(frame.url, appPageUrl);
}
