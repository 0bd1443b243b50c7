import { isQuickPromptHash } from '../features/quick-prompt/quick-prompt-model.js';
import { createTransport } from '../lib/transport.js';

/**
 * The first of the window's modules to run: main.tsx imports it before React and the shell, so
 * the connection to Cell 0 opens while the rest of the first script (~400 KB) is still being
 * evaluated, and its handshake and hello are done by the time the shell first renders. Its
 * imports stay small (no React, no stores) for the same reason.
 */

// Read before the transport: in serve mode it rewrites the address to drop an access token.
export const quick = isQuickPromptHash(window.location.hash);

export const transport = createTransport();
