import { isAppPage } from './app-page.js';

/** The one browser permission the UI uses: writing to the clipboard (a code block's Copy button). */
const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

/** Every other permission, and this one from any page but the app's own, is refused. */
export function isPermissionAllowed(
  permission: string,
  requestingUrl: string | undefined,
  appPageUrl: string,
): boolean {
  return (
    ALLOWED_PERMISSIONS.has(permission) && requestingUrl !== undefined && isAppPage(requestingUrl, appPageUrl)
  );
}
