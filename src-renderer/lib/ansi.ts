/**
 * Terminal output as plain text: escape sequences removed and carriage-return overwrites
 * applied (a progress bar leaves its last state), for copying, screen readers and tests.
 */
// CSI (colours, cursor moves), OSC (titles, links) ended by BEL or ST, and the two-byte escapes.
// eslint-disable-next-line no-control-regex
const ESCAPES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

export function stripAnsi(text: string): string {
  const clean = text.replace(ESCAPES, '').replace(/\r\n/g, '\n');
  if (!clean.includes('\r')) return clean;
  return clean
    .split('\n')
    .map((line) => {
      const parts = line.split('\r');
      // Each \r returns to column 0: later text overwrites earlier text character by character.
      let result = '';
      for (const part of parts) result = part + result.slice(part.length);
      return result;
    })
    .join('\n');
}

// An escape sequence cut off by the end of a chunk: ESC, a CSI still collecting parameters, an open OSC.
// eslint-disable-next-line no-control-regex
const UNFINISHED = /\x1b(?:\[[0-?]*[ -/]*|\][^\x07\x1b]*)?$/;
/** Past this length an "unfinished" sequence is garbage, not a sequence; it is passed through. */
const MAX_SEQUENCE = 256;

/** How much of `text` can be written now: all of it but an escape sequence the next chunk will finish. */
export function completeLength(text: string): number {
  const match = UNFINISHED.exec(text);
  if (!match || match[0].length > MAX_SEQUENCE) return text.length;
  return match.index;
}

/** The nearest colour of the xterm 256-colour palette: the 6×6×6 cube or the grey ramp. */
export function rgbTo256(r: number, g: number, b: number): number {
  if (r === g && g === b) {
    if (r < 8) return 16;
    if (r > 248) return 231;
    return Math.round(((r - 8) / 247) * 24) + 232;
  }
  const level = (v: number) => Math.round((Math.max(0, Math.min(255, v)) / 255) * 5);
  return 16 + 36 * level(r) + 6 * level(g) + level(b);
}

// eslint-disable-next-line no-control-regex
const SGR = /\x1b\[([0-9;:]*)m/g;

/**
 * 24-bit colours (`38;2;r;g;b`) rewritten as their nearest 256-colour index: xterm paints true
 * colour with a style attribute, which the window's CSP refuses, but palette colours with classes.
 */
export function downgradeTrueColor(text: string): string {
  if (!text.includes('2;') && !text.includes(':2:')) return text;
  return text.replace(SGR, (whole, params: string) => {
    // The colon form (38:2::r:g:b or 38:2:r:g:b) is one parameter; normalise it to the semicolon form.
    const parts = params.split(';').flatMap((p) => {
      if (!/^(?:38|48|58):2:/.test(p)) return [p];
      const [kind = '', , ...rest] = p.split(':');
      const rgb = rest.length === 4 ? rest.slice(1) : rest;
      return [kind, '2', ...rgb];
    });
    const out: string[] = [];
    let changed = false;
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i] ?? '';
      if ((p === '38' || p === '48' || p === '58') && parts[i + 1] === '2' && i + 4 < parts.length) {
        const [r, g, b] = [parts[i + 2], parts[i + 3], parts[i + 4]].map((v) => Number(v ?? 0));
        out.push(p, '5', String(rgbTo256(r ?? 0, g ?? 0, b ?? 0)));
        i += 4;
        changed = true;
      } else {
        out.push(p);
      }
    }
    return changed ? `\x1b[${out.join(';')}m` : whole;
  });
}
