import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const RENDERER = fileURLToPath(new URL('../../../out/renderer/', import.meta.url));

/** The built window's first script (npm test builds before the unit tests). */
async function firstScript(): Promise<string> {
  const html = await readFile(`${RENDERER}index.html`, 'utf8');
  const src = /<script[^>]*type="module"[^>]*src="\.?\/?([^"]+)"/.exec(html)?.[1];
  if (!src) throw new Error('no module script in out/renderer/index.html: run `npm run build`');
  return readFile(`${RENDERER}${src}`, 'utf8');
}

describe('the window opens its connection before it evaluates the shell', () => {
  it('puts the WebSocket bridge and its hello ahead of React DOM in the first script', async () => {
    // Rollup lays a chunk's modules out in the order they run, so the text order is the run order.
    const code = await firstScript();
    const bridge = code.indexOf('session.hello');
    const reactDom = code.indexOf('__REACT_DEVTOOLS_GLOBAL_HOOK__');
    expect(bridge).toBeGreaterThan(-1);
    expect(reactDom).toBeGreaterThan(-1);
    expect(bridge).toBeLessThan(reactDom);
  });
});
