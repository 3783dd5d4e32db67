/**
 * The demo's stand-in for kube-proxy and a backend: answers every UDP datagram on port 9000 (IPv4 and IPv6)
 * with this node's name, so the client can tell which node it reached.
 */
import { createSocket } from 'node:dgram';

const nodeName = process.argv[2] ?? 'unknown';
for (const type of ['udp4', 'udp6'] as const) {
  const socket = createSocket({ type, ipv6Only: type === 'udp6' });
  socket.on('message', (_message, peer) => socket.send(nodeName, peer.port, peer.address));
  socket.bind(9000);
}
