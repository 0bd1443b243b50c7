import { describe, expect, it } from 'vitest';
import { completeLength, downgradeTrueColor, rgbTo256, stripAnsi } from '../../../src-renderer/lib/ansi.js';

describe('stripAnsi', () => {
  it('removes colours, cursor moves and titles', () => {
    expect(stripAnsi('\x1b[1;31merror\x1b[0m: \x1b]0;title\x07done\x1b[2K')).toBe('error: done');
  });

  it('applies carriage-return overwrites the way a terminal shows them', () => {
    expect(stripAnsi('10%\r50%\r100%\r\nok\r\n')).toBe('100%\nok\n');
    expect(stripAnsi('abcdef\rXY')).toBe('XYcdef');
  });
});

describe('completeLength', () => {
  it('holds back an escape sequence cut off at the end of a chunk', () => {
    expect(completeLength('text\x1b[3')).toBe(4);
    expect(completeLength('text\x1b')).toBe(4);
    expect(completeLength('text\x1b]0;tit')).toBe(4);
  });

  it('writes everything when the last sequence is complete', () => {
    expect(completeLength('a\x1b[31mb')).toBe(7);
    expect(completeLength('a\x1b[0m')).toBe(5);
    expect(completeLength('plain')).toBe(5);
  });
});

describe('downgradeTrueColor', () => {
  it('rewrites 24-bit colours as palette colours, which need no style attribute', () => {
    expect(downgradeTrueColor('\x1b[38;2;255;0;0mred')).toBe('\x1b[38;5;196mred');
    expect(downgradeTrueColor('\x1b[1;48;2;0;0;255;4mx')).toBe('\x1b[1;48;5;21;4mx');
    expect(downgradeTrueColor('\x1b[38:2::0:255:0mg')).toBe('\x1b[38;5;46mg');
  });

  it('leaves palette colours alone', () => {
    expect(downgradeTrueColor('\x1b[38;5;40mx\x1b[32;2my')).toBe('\x1b[38;5;40mx\x1b[32;2my');
  });

  it('maps greys to the grey ramp', () => {
    expect(rgbTo256(0, 0, 0)).toBe(16);
    expect(rgbTo256(255, 255, 255)).toBe(231);
    expect(rgbTo256(128, 128, 128)).toBeGreaterThanOrEqual(232);
  });
});
