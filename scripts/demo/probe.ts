/**
 * The demo's client probe: sends a UDP datagram to VIP:9000 every INTERVAL ms for DURATION ms and prints,
 * as JSON, when each answer came and which node sent it. The outage is the longest gap between answers.
 *
 *   probe.ts VIP DURATION_MS INTERVAL_MS
 */
import { createSocket } from 'node:dgram';
import { isIPv6 } from 'node:net';

const [vip = '', duration = '3000', interval = '5'] = process.argv.slice(2);
const socket = createSocket(isIPv6(vip) ? 'udp6' : 'udp4');
const start = Date.now();
const answers: [number, string][] = [];
socket.on('message', (message) => answers.push([Date.now() - start, message.toString()]));
const timer = setInterval(() => {
  socket.send('probe', 9000, vip);
  if (Date.now() - start >= Number(duration)) {
    clearInterval(timer);
    setTimeout(() => {
      socket.close();
      process.stdout.write(`${JSON.stringify({ answers })}\n`);
    }, 100);
  }
}, Number(interval));
