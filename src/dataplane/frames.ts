/**
 * The frames the data plane sends on its own (announcements) and reads of the frames the native thread
 * passes up (conflicts), built and read with the pure codecs.
 */
import { isIPv4 } from 'node:net';
import { decodeArp, encodeArp, gratuitousArpReply, gratuitousArpRequest } from '../arp/index.ts';
import {
  ETHERTYPE_ARP,
  formatIp,
  formatMac,
  parseIp,
  parseMac,
  solicitedNodeIpv6,
  solicitedNodeMac,
} from '../ether/index.ts';
import {
  ICMPV6_NEIGHBOR_ADVERTISEMENT,
  OPTION_TARGET_LINK_LAYER,
  decodeNdp,
  encodeNdp,
  linkLayerAddress,
  unsolicitedNeighborAdvertisement,
} from '../ndp/index.ts';

export const ipBytes = parseIp;

/** The solicited-node group of an IPv6 address (16 bytes), as link-layer and IP-layer multicast addresses. */
export function solicitedNodeGroup(ip6: Buffer): { mac: Buffer; address: Buffer } {
  return { mac: solicitedNodeMac(ip6), address: solicitedNodeIpv6(ip6) };
}

/**
 * IPv4: a gratuitous ARP request and a gratuitous reply (Linux accepts the reply despite its 1 s lock
 * time only when target MAC = sender MAC). IPv6: an unsolicited NA with the override flag to ff02::1.
 */
export function announcementFrames(ip: string, mac: string): Buffer[] {
  const macBytes = parseMac(mac);
  const ipBuf = parseIp(ip);
  if (isIPv4(ip)) {
    return [encodeArp(gratuitousArpRequest(macBytes, ipBuf)), encodeArp(gratuitousArpReply(macBytes, ipBuf))];
  }
  return [encodeNdp(unsolicitedNeighborAdvertisement(macBytes, ipBuf))];
}

/** The address another host claims, and its MAC, from an ARP or NA frame the native thread passed up. */
export function describeConflict(frame: Buffer): { ip: string; mac: string } | undefined {
  try {
    if (frame.readUInt16BE(12) === ETHERTYPE_ARP) {
      const arp = decodeArp(frame);
      return { ip: formatIp(arp.senderIp), mac: formatMac(arp.senderMac) };
    }
    const ndp = decodeNdp(frame);
    if (ndp.type !== ICMPV6_NEIGHBOR_ADVERTISEMENT) return undefined;
    const claimed = linkLayerAddress(ndp.options, OPTION_TARGET_LINK_LAYER) ?? ndp.ethSrc;
    return { ip: formatIp(ndp.target), mac: formatMac(claimed) };
  } catch {
    // The native thread applied the same checks; a frame the codecs reject here is not a claim.
    return undefined;
  }
}
