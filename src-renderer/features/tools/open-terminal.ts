import type { Terminal } from '@xterm/xterm';

/**
 * Opens an xterm without inline styles. xterm 6 styles itself by appending <style> elements as it
 * opens (theme colours, cell size, scrollbar), which the window's `style-src 'self'` refuses. For
 * the duration of `open()` those elements are created as inert <template>s, and their text is
 * applied through constructed stylesheets instead: CSSOM set by the app's own script, which the
 * policy allows just as it allows setting element.style. Returns the cleanup that drops the sheets.
 */
export function openTerminal(term: Terminal, parent: HTMLElement): () => void {
  const doc = parent.ownerDocument;
  const holders: HTMLElement[] = [];
  const native = Document.prototype.createElement;
  function createElement(this: Document, tagName: string, options?: ElementCreationOptions): HTMLElement {
    if (tagName.toLowerCase() !== 'style') return native.call(this, tagName, options);
    const holder = native.call(this, 'template');
    holders.push(holder);
    return holder;
  }
  const hadOwn = Object.prototype.hasOwnProperty.call(doc, 'createElement');
  const previous = doc.createElement;
  Object.defineProperty(doc, 'createElement', { value: createElement, configurable: true, writable: true });
  try {
    term.open(parent);
  } finally {
    if (hadOwn)
      Object.defineProperty(doc, 'createElement', { value: previous, configurable: true, writable: true });
    else Reflect.deleteProperty(doc, 'createElement');
  }

  const sheets = holders.map(() => new CSSStyleSheet());
  const sync = (): void => {
    holders.forEach((holder, i) => sheets[i]?.replaceSync(holder.textContent ?? ''));
  };
  sync();
  doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, ...sheets];
  // xterm rewrites the same elements when the theme, font or size changes.
  const observer = new MutationObserver(sync);
  for (const holder of holders) {
    observer.observe(holder, { childList: true, characterData: true, subtree: true });
  }
  return () => {
    observer.disconnect();
    doc.adoptedStyleSheets = doc.adoptedStyleSheets.filter((s) => !sheets.includes(s));
  };
}
