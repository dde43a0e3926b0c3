// Records every outgoing TCP connection attempt this process makes (just before connect(2))
// and cuts any that is not to loopback before it connects: tests that aim deliveries at
// cloud-metadata or public addresses can prove nothing left the machine, even if the code
// under test were broken.
import dc from 'node:diagnostics_channel';
import type net from 'node:net';
import os from 'node:os';

export interface EgressGuard {
  /** Addresses of every connection attempt, in order. */
  attempts: string[];
  /** Attempts to anything but 127.0.0.1 / ::1 (each was cut before it connected). */
  offMachine(): string[];
  stop(): void;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
type Connect = (...args: unknown[]) => number;

export function guardEgress(): EgressGuard {
  const attempts: string[] = [];
  const onClientSocket = (message: unknown) => {
    const { socket } = message as { socket: net.Socket };
    socket.on('connectionAttempt', (address: string) => {
      attempts.push(address);
      if (LOOPBACK.has(address)) return;
      // The attempt is emitted just before the handle's connect(), which is made to fail as ECONNREFUSED.
      const handle = (socket as unknown as { _handle?: { connect: Connect; connect6: Connect } })._handle;
      if (!handle) return void socket.destroy();
      handle.connect = handle.connect6 = () => -os.constants.errno.ECONNREFUSED;
    });
  };
  dc.subscribe('net.client.socket', onClientSocket);
  return {
    attempts,
    offMachine: () => attempts.filter((a) => !LOOPBACK.has(a)),
    stop: () => dc.unsubscribe('net.client.socket', onClientSocket),
  };
}
