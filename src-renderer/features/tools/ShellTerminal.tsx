import { Terminal, type ITheme } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef } from 'react';
import { completeLength, downgradeTrueColor } from '../../lib/ansi.js';
import { openTerminal } from './open-terminal.js';

/** Sized to its content up to this many rows; longer output scrolls inside. */
const MAX_ROWS = 20;
const FONT_SIZE = 12;
const FONT_FAMILY = "ui-monospace, 'SF Mono', 'Cascadia Code', 'JetBrains Mono', Menlo, Consolas, monospace";
// The terminal is dark in both themes, so programs' colours (written for dark terminals) stay legible.
const THEME: ITheme = {
  background: '#141417',
  foreground: '#e6e6e9',
  cursor: '#141417',
  selectionBackground: '#3d3b7a',
  black: '#1e1e22',
  red: '#f07a72',
  green: '#5cc98a',
  yellow: '#e5c07b',
  blue: '#79a8ff',
  magenta: '#d2a8ff',
  cyan: '#6fd3e3',
  white: '#d7d7db',
  brightBlack: '#6f6f76',
  brightRed: '#ff9b94',
  brightGreen: '#7ee2a8',
  brightYellow: '#f2d492',
  brightBlue: '#a3c2ff',
  brightMagenta: '#e2c5ff',
  brightCyan: '#98e6f0',
  brightWhite: '#ffffff',
};
// DECTCEM off: a read-only view has no cursor to show.
const HIDE_CURSOR = '\x1b[?25l';

function columnsFor(host: HTMLElement): number {
  const ctx = document.createElement('canvas').getContext('2d');
  if (!ctx) return 80;
  ctx.font = `${FONT_SIZE}px ${FONT_FAMILY}`;
  const charWidth = ctx.measureText('W').width;
  const width = host.clientWidth - 16;
  if (charWidth <= 0 || width <= 0) return 80;
  return Math.max(20, Math.floor(width / charWidth));
}

/** Rows the content fills: the cursor's line, unless output ended with a newline and left it empty. */
function contentRows(term: Terminal): number {
  const buffer = term.buffer.active;
  const lines = buffer.baseY + buffer.cursorY + (buffer.cursorX === 0 ? 0 : 1);
  return Math.min(MAX_ROWS, Math.max(1, lines));
}

/** A read-only terminal showing a shell tool's output; fed incrementally as `text` grows. */
export function ShellTerminal({ text, label }: { text: string; label: string }) {
  const hostRef = useRef<HTMLDivElement>(null);
  const termRef = useRef<Terminal | null>(null);
  /** The part of `text` already written (escapes cut off at a chunk's end wait for the rest). */
  const writtenRef = useRef('');

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const term = new Terminal({
      disableStdin: true,
      convertEol: true,
      cursorBlink: false,
      cursorInactiveStyle: 'none',
      rows: 1,
      cols: columnsFor(host),
      scrollback: 5000,
      fontFamily: FONT_FAMILY,
      fontSize: FONT_SIZE,
      theme: THEME,
    });
    const closeStyles = openTerminal(term, host);
    // Keyboard users get the plain-text copy and the Copy button instead of an input-less terminal.
    term.textarea?.setAttribute('tabindex', '-1');
    term.write(HIDE_CURSOR);
    termRef.current = term;
    writtenRef.current = '';

    const resize = new ResizeObserver(() => {
      const cols = columnsFor(host);
      if (cols !== term.cols) term.resize(cols, term.rows);
    });
    resize.observe(host);
    return () => {
      resize.disconnect();
      termRef.current = null;
      term.dispose();
      closeStyles();
    };
  }, []);

  useEffect(() => {
    const term = termRef.current;
    if (!term) return;
    const fit = () => {
      const rows = contentRows(term);
      if (rows !== term.rows) term.resize(term.cols, rows);
      // Growing pulls lines back from the scrollback but keeps the empty cursor line in view;
      // when everything fits, show it from the first line.
      if (rows < MAX_ROWS) term.scrollToTop();
      // Only the empty cursor line is off screen then: no scrollbar for it.
      if (hostRef.current) hostRef.current.dataset.fits = String(rows < MAX_ROWS);
    };
    let written = writtenRef.current;
    if (!text.startsWith(written)) {
      // The source changed (the stored output replaced a partial stream): start over.
      term.reset();
      term.write(HIDE_CURSOR);
      written = '';
    }
    const pending = text.slice(written.length);
    const ready = completeLength(pending);
    if (ready > 0) term.write(downgradeTrueColor(pending.slice(0, ready)), fit);
    writtenRef.current = written + pending.slice(0, ready);
  }, [text]);

  return (
    <div ref={hostRef} className="tool-terminal" data-testid="tool-terminal" aria-label={label} role="img" />
  );
}
