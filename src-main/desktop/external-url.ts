const WEB_PROTOCOLS: ReadonlySet<string> = new Set(['http:', 'https:']);

/**
 * Whether a link from the page may be handed to the OS: web pages only. Other schemes
 * (file:, smb:, javascript:, custom app handlers) can open or run local things, and embedded
 * credentials are a phishing trick, not a link a user means to follow.
 */
export function isSafeExternalUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return WEB_PROTOCOLS.has(parsed.protocol) && parsed.hostname !== '' && !parsed.username && !parsed.password;
}
