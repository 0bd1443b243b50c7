/** The version of Cell 0, in a module of its own so `cell0 --version` loads nothing else. */
export const VERSION = '0.1.0';
