/**
 * Encoded sizes of packet messages as memberlist writes them (msgpack maps keyed by Go field names), computed
 * without encoding: they fill packets up to the UDP budget and let simulations count bytes on the wire.
 */
import type { PacketMessage } from '../wire/messages.ts';

const stringSize = (length: number): number => (length < 32 ? 1 : length < 65536 ? 3 : 5) + length;
const bytesSize = (value: Buffer | null | undefined): number =>
  value == null ? 1 : stringSize(value.length);
const textSize = (value: string): number => stringSize(Buffer.byteLength(value));
const uintSize = (value: number): number => (value < 128 ? 1 : value < 256 ? 2 : value < 65536 ? 3 : 5);

/** Type byte + map header + each present field's key and value. */
function mapSize(fields: Record<string, number | undefined>): number {
  let size = 2;
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) size += 1 + key.length + value;
  return size;
}

const optional = <T>(value: T | undefined, size: (present: T) => number): number | undefined =>
  value === undefined ? undefined : size(value);

export function messageSize(message: PacketMessage): number {
  switch (message.type) {
    case 'ping':
    case 'indirectPing':
      return mapSize({
        SeqNo: uintSize(message.seqNo),
        Node: textSize(message.node),
        ...(message.type === 'indirectPing'
          ? { Target: bytesSize(message.target), Port: uintSize(message.port), Nack: 1 }
          : {}),
        SourceAddr: optional(message.sourceAddr, bytesSize),
        SourcePort: optional(message.sourcePort, uintSize),
        SourceNode: optional(message.sourceNode, textSize),
      });
    case 'ackResp':
      return mapSize({ SeqNo: uintSize(message.seqNo), Payload: bytesSize(message.payload) });
    case 'nackResp':
      return mapSize({ SeqNo: uintSize(message.seqNo) });
    case 'suspect':
    case 'dead':
      return mapSize({
        Incarnation: uintSize(message.incarnation),
        Node: textSize(message.node),
        From: textSize(message.from),
      });
    case 'alive':
      return mapSize({
        Incarnation: uintSize(message.incarnation),
        Node: textSize(message.node),
        Addr: bytesSize(message.addr),
        Port: uintSize(message.port),
        Meta: bytesSize(message.meta),
        Vsn: stringSize(message.vsn.length),
      });
    case 'user':
      return 1 + message.payload.length;
    case 'err':
      return mapSize({ Error: textSize(message.error) });
  }
}

/** A packet of one message is the message; several travel in a compound: header, count, u16 length each. */
export function packetSize(messages: readonly PacketMessage[]): number {
  const body = messages.reduce((total, message) => total + messageSize(message), 0);
  return messages.length === 1 ? body : 2 + 2 * messages.length + body;
}

/** Bytes a message adds to a compound packet. */
export const compoundPartSize = (message: PacketMessage): number => 2 + messageSize(message);
