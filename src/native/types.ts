/** Plain data the addon returns. */

export interface InterfaceInfo {
  index: number;
  mac: Buffer;
  /** IFF_* flags (IFF_UP = 0x1, IFF_BROADCAST = 0x2, IFF_NOARP = 0x80, ...). */
  flags: number;
  mtu: number;
}

/** The native verdict on one frame (docs/verdict.md). */
export interface Verdict {
  verdict: 'reply' | 'conflict' | 'ignore';
  /** One of the reasons listed in docs/verdict.md, e.g. 'arp-request', 'not-owned'. */
  reason: string;
  /** The whole Ethernet frame to send, with verdict 'reply' only. */
  reply?: Buffer;
}

export interface VerdictContext {
  /** The interface's MAC, 6 bytes. */
  mac: Buffer;
  /** The kernel reported a VLAN tag it stripped (TP_STATUS_VLAN_VALID). */
  vlanTagged: boolean;
  /** The owned addresses, 4 or 16 bytes each. */
  owned: Buffer[];
}

/** One owned address's counters (MetalLB's layer2 requests_received / responses_sent). */
export interface AddressCounters {
  /** 4 bytes (IPv4) or 16 (IPv6). */
  ip: Buffer;
  /** Frames whose verdict was a reply for this address. */
  requests: number;
  /** Of those, replies sent. */
  responses: number;
}

/** One interface's responder: answers ARP and NDP for owned addresses on a native thread per CPU. */
export interface Responder {
  readonly ifindex: number;
  /** Answer for this IPv4 (4 bytes) or IPv6 (16 bytes) address; adding twice is harmless. */
  addAddress(ip: Buffer): void;
  /** Stop answering for it; removing an absent address is harmless. */
  removeAddress(ip: Buffer): void;
  /** The MAC that replies carry and own frames are recognised by (a bond's new active slave). */
  setMac(mac: Buffer): void;
  /** Sends one whole Ethernet frame on the interface. */
  send(frame: Buffer): void;
  /** Receive this link-layer multicast group (33:33:ff:xx:xx:xx solicited-node groups). */
  addMembership(mac: Buffer): void;
  dropMembership(mac: Buffer): void;
  /** Frames per verdict reason, plus received, sent, send-errors, receive-errors, conflict-dropped. */
  counters(): Record<string, number>;
  /** Every owned address with its counters, in no order; a removed address's counters are gone. */
  addressCounters(): AddressCounters[];
  /** Stops the threads and closes the sockets; idempotent. */
  close(): void;
}

/** IP-layer IPv6 multicast memberships, refcounted per (ifindex, group). */
export interface GroupMemberships {
  join(ifindex: number, group: Buffer): void;
  /** Leaves when every join of (ifindex, group) has been matched; NativeError if never joined. */
  leave(ifindex: number, group: Buffer): void;
  /** Leaves every group; idempotent. */
  close(): void;
}
