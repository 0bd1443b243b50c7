/** What the status bar shows about the link to the core; "unauthorized" means retrying cannot help. */
export type ConnectionState = 'connecting' | 'connected' | 'disconnected' | 'unauthorized';

/** Thrown (rejected) when a call cannot reach the core at all, as opposed to the core answering ok:false. */
export class TransportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransportError';
  }
}
