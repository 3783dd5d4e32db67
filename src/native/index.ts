/**
 * The native addon (build/Release/l2speaker.node, built from src/native by `npm run build:native`):
 * AF_PACKET responders that answer ARP and NDP for owned addresses on a native thread per CPU, IPv6
 * multicast memberships, interface facts, and the native verdict for differential tests.
 * The addon is loaded on first use; AddonMissingError tells how to build it.
 *
 *   import { openResponder, interfaceInfo } from '../native/index.ts';
 *   const responder = openResponder('eth0', (frame) => logger.warn('address conflict', { frame }));
 *   responder.addAddress(Buffer.from([192, 0, 2, 10]));
 *   console.log(interfaceInfo('eth0').mac, responder.counters()['arp-request']);
 *   for (const { ip, requests, responses } of responder.addressCounters()) console.log(ip, requests, responses);
 *   responder.close();
 */
export { AddonMissingError, NativeError } from './errors.ts';
export { decide, interfaceInfo, openGroupMemberships, openResponder } from './wrappers.ts';
export type {
  AddressCounters,
  GroupMemberships,
  InterfaceInfo,
  Responder,
  Verdict,
  VerdictContext,
} from './types.ts';
