// A real SMTP server (the `smtp-server` package) on 127.0.0.1 that keeps every message it receives.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface Mail {
  to: string[];
  raw: string;
}

export interface SmtpSink {
  port: number;
  mails: Mail[];
  /** Resolves with the first `n` messages once they have arrived. */
  waitFor(n: number): Promise<Mail[]>;
  close(): Promise<void>;
}

export async function startSmtpServer(): Promise<SmtpSink> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, done) {
      let raw = '';
      stream.on('data', (c: Buffer) => (raw += c.toString()));
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        done();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.server.address() as AddressInfo).port,
    mails,
    async waitFor(n) {
      const end = Date.now() + 10_000;
      while (mails.length < n) {
        if (Date.now() > end) throw new Error(`got ${mails.length} of ${n} e-mails`);
        await new Promise((r) => setTimeout(r, 25));
      }
      return mails.slice(0, n);
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** A message's text with quoted-printable soft line breaks and escapes undone, so long links read whole. */
export function mailText(raw: string): string {
  return raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}
