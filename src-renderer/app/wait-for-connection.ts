import { useConnection } from '../stores/connection.js';

/** Resolves true once connected, false if that takes longer than timeoutMs or access is refused. */
export function waitForConnection(timeoutMs: number): Promise<boolean> {
  if (useConnection.getState().state === 'connected') return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      unsubscribe();
      resolve(false);
    }, timeoutMs);
    const unsubscribe = useConnection.subscribe((s) => {
      if (s.state !== 'connected' && s.state !== 'unauthorized') return;
      clearTimeout(timer);
      unsubscribe();
      resolve(s.state === 'connected');
    });
  });
}
