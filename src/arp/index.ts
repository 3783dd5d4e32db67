/**
 * ARP for IPv4 over Ethernet: decode and encode whole frames, build replies and gratuitous announcements.
 *
 * @example
 * import { decodeArp, encodeArp, arpReply, gratuitousArpRequest, ARP_REQUEST } from '../arp/index.ts';
 * const request = decodeArp(frame); // throws ArpDecodeError (reason, offset) on anything else
 * if (request.op === ARP_REQUEST) send(encodeArp(arpReply(request, myMac)));
 * send(encodeArp(gratuitousArpRequest(myMac, parseIpv4('192.0.2.10'))));
 */
export {
  ARP_REQUEST,
  ARP_REPLY,
  ARP_PAYLOAD_LENGTH,
  ARP_FRAME_LENGTH,
  ArpDecodeError,
  decodeArp,
  encodeArp,
  arpRequest,
  arpReply,
  gratuitousArpRequest,
  gratuitousArpReply,
} from './packet.ts';
export type { ArpPacket, ArpDecodeReason } from './packet.ts';
