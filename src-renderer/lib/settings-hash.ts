const PREFIX = '#settings/';

/** The URL fragment that opens Settings at a section. */
export function settingsHash(section: string): string {
  return `${PREFIX}${encodeURIComponent(section)}`;
}

/** The section a fragment asks for (`#settings/mcp`), or null; `#settings` alone opens the first. */
export function sectionFromHash(hash: string): string | null {
  if (hash === '#settings') return '';
  if (!hash.startsWith(PREFIX)) return null;
  const id = decodeURIComponent(hash.slice(PREFIX.length));
  return /^[a-z0-9-]{1,40}$/.test(id) ? id : null;
}
