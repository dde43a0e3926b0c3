// The in-process event bus: every new thing (event, alert, delivery, notification, status)
// is published here once; the SSE route, the tray and anything else that wants news
// subscribe. It lives below server/ so the runtimes need nothing from the HTTP side.
import { EventEmitter } from 'node:events';
import { STREAM_CLIENTS_MAX } from './limits';

/** A message for every subscriber, whatever its organization (appliance-wide news). */
export const ALL_ORGANIZATIONS = '*';

export interface StreamMessage {
  /** e.g. `event.created`, `delivery.changed`, `status.changed`. */
  type: string;
  /** The organization whose clients get it, or ALL_ORGANIZATIONS (e.g. `status.changed`). */
  organization: string;
  data: unknown;
}

export class EventBus {
  private readonly emitter = new EventEmitter();
  constructor() {
    // One listener per live stream client, plus a few for the appliance itself.
    this.emitter.setMaxListeners(STREAM_CLIENTS_MAX + 20);
  }
  publish(message: StreamMessage): void {
    this.emitter.emit('message', message);
  }
  subscribe(listener: (m: StreamMessage) => void): () => void {
    this.emitter.on('message', listener);
    return () => this.emitter.off('message', listener);
  }
}
