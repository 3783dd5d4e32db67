/**
 * memberlist's transport on real sockets: UDP packets and one-exchange TCP streams bound to one address and
 * port, through the wire pipeline (compression, CRC to peers that accept it, keyring, label). Bad input is
 * counted by reason (`stats()`) and logged at debug, never thrown.
 *
 * @example
 * import { SocketTransport } from '../memberlist/net/index.ts';
 * const transport = await SocketTransport.open({ bindAddr: '192.0.2.11', bindPort: 7946, keyring });
 * const node = new Memberlist({ name: 'a', addr: addressBytes('192.0.2.11'), port: transport.port, transport, clock: systemClock });
 * transport.setVersionLookup((to) => vsnByAddress.get(addressKey(to)));
 * transport.stats().badPackets; // { 'decrypt-failed': 3 }
 * await transport.close();
 */
export {
  SocketTransport,
  type DebugLog,
  type SocketTransportOptions,
  type VersionLookup,
} from './transport.ts';
export type { StreamFailure, TransportStats } from './stats.ts';
export { addressBytes, addressKey, hostOf, remoteAddress, splitHostPort } from './address.ts';
export {
  BindError,
  NetError,
  NetOptionError,
  StreamError,
  StreamTimeoutError,
  TransportClosedError,
} from './errors.ts';
