import type { Client } from '../lib/client.js';

let current: Client | null = null;

/** Set once at boot; actions read it lazily so modules stay importable in tests. */
export function setClient(client: Client): void {
  current = client;
}

export function client(): Client {
  if (!current) throw new Error('The Cell 0 client is used before boot.');
  return current;
}
