/** Binds memberlist's TCP listener and UDP socket on one address and one port (port 0: a free port for both). */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, isIPv6, type Server } from 'node:net';
import { BindError } from './errors.ts';

/** Port 0 picks a TCP port first; if its UDP twin is taken, try again this many times. */
const EPHEMERAL_ATTEMPTS = 8;

export interface BoundSockets {
  readonly server: Server;
  readonly udp: UdpSocket;
  readonly port: number;
}

function listenTcp(host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (err) => reject(new BindError('tcp', host, port, err)));
    server.listen({ host, port, exclusive: true }, () => resolve(server));
  });
}

function bindUdp(host: string, port: number): Promise<UdpSocket> {
  return new Promise((resolve, reject) => {
    const udp = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4', reuseAddr: false });
    udp.once('error', (err) => {
      udp.close();
      reject(new BindError('udp', host, port, err));
    });
    udp.bind({ address: host, port, exclusive: true }, () => resolve(udp));
  });
}

export async function bindSockets(host: string, port: number): Promise<BoundSockets> {
  for (let attempt = 1; ; attempt++) {
    const server = await listenTcp(host, port);
    const address = server.address();
    const bound = typeof address === 'object' && address !== null ? address.port : port;
    try {
      const udp = await bindUdp(host, bound);
      server.removeAllListeners('error');
      udp.removeAllListeners('error');
      return { server, udp, port: bound };
    } catch (err) {
      server.close();
      const retry = port === 0 && err instanceof BindError && err.code === 'EADDRINUSE';
      if (!retry || attempt === EPHEMERAL_ATTEMPTS) throw err;
    }
  }
}
