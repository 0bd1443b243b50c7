/** Where `cell0 serve` listens unless told otherwise; alone in its module so `cell0 --help` loads nothing else. */
export const DEFAULT_PORT = 7340;
