/**
 * Ethernet: MAC and IP addresses as Buffers, the Ethernet II header, and the IPv6 groups NDP uses.
 *
 * @example
 * import { parseMac, parseIpv6, solicitedNodeMac, solicitedNodeIpv6, formatMac } from '../ether/index.ts';
 * const vip = parseIpv6('2001:db8::10');
 * formatMac(solicitedNodeMac(vip)); // '33:33:ff:00:00:10'
 * solicitedNodeIpv6(vip); // ff02::1:ff00:10 as 16 bytes
 * parseMac('02:00:00:00:00:01'); // <Buffer 02 00 00 00 00 01>
 */
export { EncodeError, InvalidAddressError, requireBytes, requireUint } from './errors.ts';
export {
  MAC_LENGTH,
  parseMac,
  formatMac,
  broadcastMac,
  zeroMac,
  allNodesMac,
  isBroadcastMac,
  isMulticastMac,
  solicitedNodeMac,
} from './mac.ts';
export {
  IPV4_LENGTH,
  IPV6_LENGTH,
  parseIpv4,
  parseIpv6,
  parseIp,
  formatIp,
  unspecifiedIpv6,
  allNodesIpv6,
  isUnspecified,
  solicitedNodeIpv6,
} from './ip.ts';
export {
  ETHER_HEADER_LENGTH,
  ETHERTYPE_IPV4,
  ETHERTYPE_ARP,
  ETHERTYPE_IPV6,
  ETHERTYPE_VLAN,
  ETHERTYPE_QINQ,
  EthernetDecodeError,
  decodeEthernetHeader,
  writeEthernetHeader,
  encodeEthernetFrame,
} from './frame.ts';
export type { EthernetHeader } from './frame.ts';
