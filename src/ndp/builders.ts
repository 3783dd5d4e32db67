/** The NS and NA a responder, an announcer or a test sends. */
import {
  allNodesIpv6,
  allNodesMac,
  isUnspecified,
  solicitedNodeIpv6,
  solicitedNodeMac,
} from '../ether/index.ts';
import { ICMPV6_NEIGHBOR_ADVERTISEMENT, ICMPV6_NEIGHBOR_SOLICITATION } from './packet.ts';
import type { NeighborAdvertisement, NeighborSolicitation } from './packet.ts';
import { OPTION_SOURCE_LINK_LAYER, OPTION_TARGET_LINK_LAYER, linkLayerAddress } from './options.ts';

/**
 * The NA `mac` answers `solicitation` with (RFC 4861 7.2.4): from the target, Override set, with a target
 * link-layer option. To the solicitation's source, at the MAC of its source link-layer option or else its
 * Ethernet source, Solicited set; for duplicate address detection (source ::), to ff02::1, Solicited clear.
 */
export function neighborAdvertisement(
  solicitation: NeighborSolicitation,
  mac: Buffer,
): NeighborAdvertisement {
  const dad = isUnspecified(solicitation.ipSrc);
  return {
    type: ICMPV6_NEIGHBOR_ADVERTISEMENT,
    ethDst: dad
      ? allNodesMac()
      : (linkLayerAddress(solicitation.options, OPTION_SOURCE_LINK_LAYER) ?? solicitation.ethSrc),
    ethSrc: mac,
    ipSrc: solicitation.target,
    ipDst: dad ? allNodesIpv6() : solicitation.ipSrc,
    target: solicitation.target,
    router: false,
    solicited: !dad,
    override: true,
    options: [{ type: OPTION_TARGET_LINK_LAYER, mac }],
  };
}

/** The announcement that `mac` now has `ip` (RFC 4861 7.2.6): to all nodes, Override set, Solicited clear. */
export function unsolicitedNeighborAdvertisement(mac: Buffer, ip: Buffer): NeighborAdvertisement {
  return {
    type: ICMPV6_NEIGHBOR_ADVERTISEMENT,
    ethDst: allNodesMac(),
    ethSrc: mac,
    ipSrc: ip,
    ipDst: allNodesIpv6(),
    target: ip,
    router: false,
    solicited: false,
    override: true,
    options: [{ type: OPTION_TARGET_LINK_LAYER, mac }],
  };
}

/** What a solicitation asks, and of whom. */
export interface SolicitationSpec {
  /** The soliciting host's MAC. */
  mac: Buffer;
  /** Its IPv6 source address; :: makes a duplicate address detection probe. */
  source: Buffer;
  target: Buffer;
  /** Send unicast to this MAC and to the target itself (unreachability probe) instead of the solicited-node group. */
  unicastTo?: Buffer;
}

/** An NS, with a source link-layer option unless the source is :: (RFC 4861 forbids it there). */
export function neighborSolicitation(spec: SolicitationSpec): NeighborSolicitation {
  return {
    type: ICMPV6_NEIGHBOR_SOLICITATION,
    ethDst: spec.unicastTo ?? solicitedNodeMac(spec.target),
    ethSrc: spec.mac,
    ipSrc: spec.source,
    ipDst: spec.unicastTo === undefined ? solicitedNodeIpv6(spec.target) : spec.target,
    target: spec.target,
    options: isUnspecified(spec.source) ? [] : [{ type: OPTION_SOURCE_LINK_LAYER, mac: spec.mac }],
  };
}
