// Server-sent events: every new thing is published on the bus and fanned out to
// the connected /api/stream clients of its organization.
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import type { Context } from 'koa';
import { STREAM_CLIENTS_MAX } from '../limits';
import { HttpError } from './http-error';

/** A message for every connected client, whatever its organization (appliance-wide news). */
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

export class StreamHub {
  private clients = 0;
  constructor(private readonly bus: EventBus, private readonly heartbeatMs = 15_000) {}

  get clientCount(): number {
    return this.clients;
  }

  /** Turns the response into an SSE stream for one organization. */
  attach(ctx: Context, organization: string): void {
    if (this.clients >= STREAM_CLIENTS_MAX) throw new HttpError(503, [`stream: at most ${STREAM_CLIENTS_MAX} live clients`], { 'Retry-After': '5' });
    const out = new PassThrough();
    this.clients++;
    let id = 0;
    const write = (text: string) => {
      if (!out.writableEnded) out.write(text);
    };
    const unsubscribe = this.bus.subscribe((m) => {
      if (m.organization === organization || m.organization === ALL_ORGANIZATIONS) write(`id: ${++id}\nevent: ${m.type}\ndata: ${JSON.stringify(m.data)}\n\n`);
    });
    const heartbeat = setInterval(() => write(': keep-alive\n\n'), this.heartbeatMs);
    heartbeat.unref();
    const cleanup = () => {
      clearInterval(heartbeat);
      unsubscribe();
      this.clients--;
      out.end();
    };
    ctx.res.once('close', cleanup);
    ctx.req.socket.setTimeout(0);
    ctx.status = 200;
    ctx.set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' });
    ctx.body = out;
    write(`retry: 2000\nevent: ready\ndata: {}\n\n`);
  }
}
