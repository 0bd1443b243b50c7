/** The part of Electron's `app` the guard needs; a plain shape so it is tested without Electron. */
export interface QuittableApp {
  on(event: 'before-quit' | 'will-quit', listener: (event: { preventDefault(): void }) => void): unknown;
  quit(): void;
}

/**
 * Holds the app's quit until `stop` has finished, then quits for real. Electron does not await
 * async quit listeners, so without this the process could exit while the database is still
 * writing. `stop` runs once however many quit attempts arrive; a failing stop is reported and
 * the app quits anyway, since a user who asked to quit must not be left with a stuck process.
 */
export function holdQuitUntilStopped(
  app: QuittableApp,
  stop: () => Promise<void>,
  onStopError: (err: unknown) => void,
): void {
  let state: 'running' | 'stopping' | 'stopped' = 'running';
  const guard = (event: { preventDefault(): void }): void => {
    if (state === 'stopped') return;
    event.preventDefault();
    if (state === 'stopping') return;
    state = 'stopping';
    stop()
      .catch(onStopError)
      .finally(() => {
        state = 'stopped';
        app.quit();
      });
  };
  // before-quit comes first on an ordinary quit; will-quit also covers quits that skip it.
  app.on('before-quit', guard);
  app.on('will-quit', guard);
}
