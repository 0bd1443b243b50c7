import type { Cell0Bridge } from '../src-main/core/protocol/index.js';

declare global {
  interface Window {
    /** Set by the desktop preload; absent when the UI is served to a browser. */
    readonly cell0?: Cell0Bridge;
  }
}

export {};
