// Server-sent events: every message on the bus is fanned out to the connected
// /api/stream clients of its organization.
import { PassThrough } from 'node:stream';
import type { Context } from 'koa';
import { ALL_ORGANIZATIONS, type EventBus } from '../bus';
import { STREAM_CLIENTS_MAX } from '../limits';
import { HttpError } from './http-error';

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
