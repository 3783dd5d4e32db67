/**
 * IPv6 neighbor discovery over Ethernet: decode and encode NS and NA frames (checksum and RFC 4861
 * validation included), build answers to solicitations and unsolicited announcements.
 *
 * @example
 * import { decodeNdp, encodeNdp, neighborAdvertisement, unsolicitedNeighborAdvertisement } from '../ndp/index.ts';
 * const packet = decodeNdp(frame); // throws NdpDecodeError (reason, offset) on anything else
 * if (packet.type === ICMPV6_NEIGHBOR_SOLICITATION) send(encodeNdp(neighborAdvertisement(packet, myMac)));
 * send(encodeNdp(unsolicitedNeighborAdvertisement(myMac, parseIpv6('2001:db8::10'))));
 */
export {
  ICMPV6_NEIGHBOR_SOLICITATION,
  ICMPV6_NEIGHBOR_ADVERTISEMENT,
  NDP_HOP_LIMIT,
  NdpDecodeError,
  decodeNdp,
  encodeNdp,
} from './packet.ts';
export type { NdpPacket, NeighborSolicitation, NeighborAdvertisement, NdpDecodeReason } from './packet.ts';
export { OPTION_SOURCE_LINK_LAYER, OPTION_TARGET_LINK_LAYER, linkLayerAddress } from './options.ts';
export type { NdpOption, LinkLayerOption, RawOption } from './options.ts';
export { icmpv6Checksum } from './checksum.ts';
export { neighborAdvertisement, unsolicitedNeighborAdvertisement, neighborSolicitation } from './builders.ts';
export type { SolicitationSpec } from './builders.ts';
