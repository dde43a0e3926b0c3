// Quitting stops the appliance cleanly before the process goes: deliveries in flight finish
// (bounded; the rest stay pending on disk) and the store is closed. The first quit request
// (tray, menu, Cmd+Q, SIGTERM) starts that once; later ones while it runs only wait for it.
import type { AppLike, QuitEvent } from './electron-api';

export interface QuitOptions {
  /** Drains deliveries and closes the store (and anything else worth saving). */
  shutdown(): Promise<void>;
  /** Told when the shutdown failed; the app then exits with status 1. */
  onError(err: unknown): void;
}

export function quitAfterShutdown(app: Pick<AppLike, 'on' | 'exit'>, opts: QuitOptions): void {
  let stopping: Promise<void> | null = null;
  app.on('before-quit', (event: QuitEvent) => {
    // app.exit() below ends the process without another before-quit, so every one is held.
    event.preventDefault();
    stopping ??= opts.shutdown().then(
      () => app.exit(0),
      (err) => {
        opts.onError(err);
        app.exit(1);
      },
    );
  });
}
