/**
 * The renderer's Content-Security-Policy, shared by the desktop window (a meta tag in the built
 * page) and `cell0 serve` (an HTTP header). Nothing remote, no inline script, no eval.
 * connect-src 'self' also covers the same-origin WebSocket in serve mode.
 */
export const RENDERER_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "object-src 'none'",
].join('; ');
