// HTTP over a bare TCP socket, for requests no client library would send: no Host header,
// headers or a body trickled byte by byte (slowloris), whatever framing a test needs.
import net from 'node:net';

export interface RawAnswer {
  /** Everything the server sent before it closed the connection. */
  text: string;
  /** The status code of the first response line, if any arrived. */
  status: number | null;
  /** Parsed JSON body of that response, if it had one. */
  json: any;
  /** When the server closed the connection (ms since the epoch). */
  closedAt: number;
}

function parse(text: string, closedAt: number): RawAnswer {
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(text);
  const body = text.slice(text.indexOf('\r\n\r\n') + 4);
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    json = undefined;
  }
  return { text, status: status ? Number(status[1]) : null, json, closedAt };
}

export interface RawConnection {
  socket: net.Socket;
  /** Resolves when the server closes the connection (or rejects after `timeoutMs`). */
  answer: Promise<RawAnswer>;
  /** Stops trickling and closes the connection from this side. */
  stop(): void;
}

/**
 * Opens a connection, writes `head`, then writes `trickle` one byte every `everyMs` until the
 * server closes the connection (or `stop()`); without `trickle` it just waits for the answer.
 * Sends `Connection: close` yourself if the server should close after answering.
 */
export function rawConnection(port: number, head: string | Buffer, opts: { trickle?: string; everyMs?: number; timeoutMs?: number } = {}): RawConnection {
  const socket = net.connect(port, '127.0.0.1');
  let text = '';
  let timer: NodeJS.Timeout | undefined;
  let ticker: NodeJS.Timeout | undefined;
  socket.on('data', (d) => (text += d.toString('latin1')));
  const answer = new Promise<RawAnswer>((resolve, reject) => {
    socket.on('close', () => {
      clearTimeout(timer);
      clearInterval(ticker);
      resolve(parse(text, Date.now()));
    });
    socket.on('error', () => undefined); // a reset still ends in 'close'
    timer = setTimeout(() => {
      clearInterval(ticker);
      socket.destroy();
      reject(new Error(`the server kept the connection open for ${opts.timeoutMs} ms; got: ${JSON.stringify(text.slice(0, 200))}`));
    }, opts.timeoutMs ?? 60_000);
  });
  answer.catch(() => undefined);
  socket.write(head);
  if (opts.trickle) {
    let i = 0;
    const bytes = opts.trickle;
    ticker = setInterval(() => {
      if (socket.destroyed || !socket.writable) return clearInterval(ticker);
      socket.write(bytes[i++ % bytes.length]);
    }, opts.everyMs ?? 500);
  }
  return {
    socket,
    answer,
    stop() {
      clearInterval(ticker);
      socket.destroy();
    },
  };
}

/** One request over a fresh connection; resolves with what the server sent once it closed it. */
export function rawRequest(port: number, request: string | Buffer, timeoutMs = 10_000): Promise<RawAnswer> {
  return rawConnection(port, request, { timeoutMs }).answer;
}
