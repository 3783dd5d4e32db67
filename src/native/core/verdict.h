/*
 * The responder's verdict on one received frame: a pure function implementing docs/verdict.md
 * (same checks, same order, same reasons, byte-identical replies). No allocation, no I/O, so it
 * runs on the responder thread and under the fuzzer alike.
 */
#ifndef L2_VERDICT_H
#define L2_VERDICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The longest reply: an NA (Ethernet 14 + IPv6 40 + ICMPv6 32). An ARP reply is 42. */
#define L2_REPLY_MAX 86

enum l2_verdict { L2_IGNORE, L2_REPLY, L2_CONFLICT };

/* In the order docs/verdict.md lists them; l2_reason_name gives the doc's string. */
enum l2_reason {
  L2R_ARP_REQUEST,
  L2R_ARP_PROBE,
  L2R_NS_MULTICAST,
  L2R_NS_UNICAST,
  L2R_NS_DAD,
  L2R_CONFLICT,
  L2R_VLAN_TAGGED,
  L2R_TRUNCATED,
  L2R_OWN_FRAME,
  L2R_UNSUPPORTED_ETHERTYPE,
  L2R_BAD_HEADER,
  L2R_BAD_OP,
  L2R_NOT_REQUEST,
  L2R_WRONG_DESTINATION,
  L2R_NOT_OWNED,
  L2R_NOT_NDP,
  L2R_BAD_HOP_LIMIT,
  L2R_BAD_CHECKSUM,
  L2R_BAD_CODE,
  L2R_MULTICAST_TARGET,
  L2R_BAD_OPTION,
  L2R_DAD_WITH_SLLAO,
  L2R_BAD_DESTINATION,
  L2R_COUNT
};

/* Whether the interface answers for `ip` (len 4 or 16). `arg` is the lookup's own state. */
typedef bool (*l2_owns_fn)(void *arg, const uint8_t *ip, size_t len);

struct l2_ctx {
  uint8_t mac[6];
  bool vlan_tagged; /* the kernel stripped a VLAN tag (TP_STATUS_VLAN_VALID) */
  l2_owns_fn owns;
  void *owns_arg;
};

struct l2_result {
  enum l2_verdict verdict;
  enum l2_reason reason;
  size_t reply_len; /* bytes written to the reply buffer; 0 unless verdict is L2_REPLY */
};

struct l2_result l2_decide(const uint8_t *frame, size_t len, const struct l2_ctx *ctx,
                           uint8_t reply[L2_REPLY_MAX]);

/* The doc's string for a reason, e.g. "arp-request"; NULL when out of range. */
const char *l2_reason_name(enum l2_reason reason);

/* The ICMPv6 checksum as written in a packet: the ones' complement of the ones' complement sum of
 * the pseudo-header (src, dst, len, 58) and `msg`. Over a message with a correct checksum, 0. */
uint16_t l2_icmpv6_checksum(const uint8_t src[16], const uint8_t dst[16], const uint8_t *msg,
                            size_t len);

#ifdef __cplusplus
}
#endif

#endif
