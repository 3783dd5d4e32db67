/* The verdict of docs/verdict.md; each step below cites the doc's numbering. */
#include "verdict.h"

#include <string.h>

#define ETH_LEN 14
#define ARP_LEN 28
#define IP6_LEN 40
#define ICMP6_NDP_LEN 24 /* type, code, checksum, flags/reserved, target */
#define NA_ICMP_LEN 32   /* NDP header + one target link-layer option */

static const char *const reason_names[L2R_COUNT] = {
    "arp-request", "arp-probe", "ns-multicast", "ns-unicast", "ns-dad", "conflict",
    "vlan-tagged", "truncated", "own-frame", "unsupported-ethertype", "bad-header", "bad-op",
    "not-request", "wrong-destination", "not-owned", "not-ndp", "bad-hop-limit", "bad-checksum",
    "bad-code", "multicast-target", "bad-option", "dad-with-sllao", "bad-destination",
};

const char *l2_reason_name(enum l2_reason reason) {
  return (unsigned)reason < L2R_COUNT ? reason_names[reason] : NULL;
}

static struct l2_result ignore(enum l2_reason reason) {
  return (struct l2_result){L2_IGNORE, reason, 0};
}

static uint16_t be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

static void put16(uint8_t *p, uint16_t v) {
  p[0] = (uint8_t)(v >> 8);
  p[1] = (uint8_t)v;
}

static bool is_zero(const uint8_t *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (p[i]) return false;
  return true;
}

static bool owns(const struct l2_ctx *ctx, const uint8_t *ip, size_t len) {
  return ctx->owns(ctx->owns_arg, ip, len);
}

/* Sums big-endian 16-bit words, an odd last byte as the high half (RFC 1071). */
static uint32_t sum_words(uint32_t sum, const uint8_t *p, size_t n) {
  for (size_t i = 0; i + 1 < n; i += 2) sum += be16(p + i);
  if (n & 1) sum += (uint32_t)p[n - 1] << 8;
  /* Fold now so the running sum never overflows, however long the message. */
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
  return sum;
}

uint16_t l2_icmpv6_checksum(const uint8_t src[16], const uint8_t dst[16], const uint8_t *msg,
                            size_t len) {
  uint32_t sum = sum_words(0, src, 16);
  sum = sum_words(sum, dst, 16);
  sum += (uint32_t)(len >> 16) + (uint32_t)(len & 0xffff) + 58;
  sum = sum_words(sum, msg, len);
  return (uint16_t)~sum;
}

static struct l2_result decide_arp(const uint8_t *frame, size_t len, const struct l2_ctx *ctx,
                                   uint8_t *reply) {
  const uint8_t *arp = frame + ETH_LEN;
  if (len - ETH_LEN < ARP_LEN) return ignore(L2R_TRUNCATED);                           /* 1 */
  if (be16(arp) != 1 || be16(arp + 2) != 0x0800 || arp[4] != 6 || arp[5] != 4)        /* 2 */
    return ignore(L2R_BAD_HEADER);
  const uint8_t *sha = arp + 8, *spa = arp + 14, *tpa = arp + 24;
  if (owns(ctx, spa, 4) && memcmp(sha, ctx->mac, 6) != 0)                              /* 3 */
    return (struct l2_result){L2_CONFLICT, L2R_CONFLICT, 0};
  uint16_t op = be16(arp + 6);
  if (op != 1) return ignore(op == 2 ? L2R_NOT_REQUEST : L2R_BAD_OP);                  /* 4 */
  static const uint8_t broadcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  if (memcmp(frame, broadcast, 6) != 0 && memcmp(frame, ctx->mac, 6) != 0)             /* 5 */
    return ignore(L2R_WRONG_DESTINATION);
  if (!owns(ctx, tpa, 4)) return ignore(L2R_NOT_OWNED);                                /* 6 */

  /* 7: Ethernet to the asker, then the ARP reply. */
  memcpy(reply, sha, 6);
  memcpy(reply + 6, ctx->mac, 6);
  put16(reply + 12, 0x0806);
  uint8_t *out = reply + ETH_LEN;
  static const uint8_t reply_header[8] = {0, 1, 0x08, 0x00, 6, 4, 0, 2};
  memcpy(out, reply_header, 8);
  memcpy(out + 8, ctx->mac, 6);
  memcpy(out + 14, tpa, 4);
  memcpy(out + 18, sha, 6);
  memcpy(out + 24, spa, 4);
  enum l2_reason reason = is_zero(spa, 4) ? L2R_ARP_PROBE : L2R_ARP_REQUEST;
  return (struct l2_result){L2_REPLY, reason, ETH_LEN + ARP_LEN};
}

/* Checks the options (step 11) and finds the first source link-layer option's MAC. */
static bool scan_options(const uint8_t *icmp, size_t icmp_len, const uint8_t **sllao) {
  *sllao = NULL;
  for (size_t off = ICMP6_NDP_LEN; off < icmp_len;) {
    if (icmp_len - off < 2) return false;
    size_t opt_len = (size_t)icmp[off + 1] * 8;
    if (opt_len == 0 || opt_len > icmp_len - off) return false;
    if (icmp[off] == 1 && *sllao == NULL) *sllao = icmp + off + 2;
    off += opt_len;
  }
  return true;
}

static bool is_solicited_node(const uint8_t group[16], const uint8_t target[16]) {
  static const uint8_t prefix[13] = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff};
  return memcmp(group, prefix, 13) == 0 && memcmp(group + 13, target + 13, 3) == 0;
}

static void build_na(uint8_t *reply, const uint8_t *eth_dst, const uint8_t *ip_dst,
                     const uint8_t *target, bool solicited, const uint8_t mac[6]) {
  memcpy(reply, eth_dst, 6);
  memcpy(reply + 6, mac, 6);
  put16(reply + 12, 0x86dd);
  uint8_t *ip = reply + ETH_LEN;
  static const uint8_t ip_header[8] = {0x60, 0, 0, 0, 0, NA_ICMP_LEN, 58, 255};
  memcpy(ip, ip_header, 8);
  memcpy(ip + 8, target, 16);
  memcpy(ip + 24, ip_dst, 16);
  uint8_t *icmp = ip + IP6_LEN;
  memset(icmp, 0, NA_ICMP_LEN);
  icmp[0] = 136;
  icmp[4] = solicited ? 0x60 : 0x20; /* S and O, or O alone for an answer to DAD */
  memcpy(icmp + 8, target, 16);
  icmp[24] = 2;
  icmp[25] = 1;
  memcpy(icmp + 26, mac, 6);
  put16(icmp + 2, l2_icmpv6_checksum(ip + 8, ip + 24, icmp, NA_ICMP_LEN));
}

static struct l2_result decide_ndp(const uint8_t *frame, size_t len, const struct l2_ctx *ctx,
                                   uint8_t *reply) {
  const uint8_t *ip = frame + ETH_LEN;
  size_t avail = len - ETH_LEN;
  if (avail < IP6_LEN) return ignore(L2R_TRUNCATED);                                   /* 1 */
  if (ip[0] >> 4 != 6) return ignore(L2R_BAD_HEADER);                                  /* 2 */
  if (ip[6] != 58) return ignore(L2R_NOT_NDP);                                         /* 3 */
  size_t icmp_len = be16(ip + 4);
  if (icmp_len > avail - IP6_LEN) return ignore(L2R_TRUNCATED);                        /* 4 */
  const uint8_t *icmp = ip + IP6_LEN, *src = ip + 8, *dst = ip + 24;
  if (icmp_len < 4) return ignore(L2R_TRUNCATED);                                      /* 5 */
  if (icmp[0] != 135 && icmp[0] != 136) return ignore(L2R_NOT_NDP);
  if (ip[7] != 255) return ignore(L2R_BAD_HOP_LIMIT);                                  /* 6 */
  if (l2_icmpv6_checksum(src, dst, icmp, icmp_len) != 0) return ignore(L2R_BAD_CHECKSUM); /* 7 */
  if (icmp[1] != 0) return ignore(L2R_BAD_CODE);                                       /* 8 */
  if (icmp_len < ICMP6_NDP_LEN) return ignore(L2R_TRUNCATED);                          /* 9 */
  const uint8_t *target = icmp + 8;
  if (target[0] == 0xff) return ignore(L2R_MULTICAST_TARGET);                          /* 10 */
  const uint8_t *sllao;
  if (!scan_options(icmp, icmp_len, &sllao)) return ignore(L2R_BAD_OPTION);            /* 11 */

  if (icmp[0] == 136) /* 12: our own NAs were dropped as own-frame, so an owned target is a claim */
    return owns(ctx, target, 16) ? (struct l2_result){L2_CONFLICT, L2R_CONFLICT, 0}
                                 : ignore(L2R_NOT_REQUEST);

  bool dad = is_zero(src, 16);                                                          /* 13 */
  if (dad && sllao) return ignore(L2R_DAD_WITH_SLLAO);
  if (memcmp(frame, ctx->mac, 6) != 0 && !(frame[0] & 1)) return ignore(L2R_WRONG_DESTINATION);
  if (!owns(ctx, target, 16)) return ignore(L2R_NOT_OWNED);
  enum l2_reason reason;
  if (is_solicited_node(dst, target))
    reason = dad ? L2R_NS_DAD : L2R_NS_MULTICAST;
  else if (memcmp(dst, target, 16) == 0 && !dad)
    reason = L2R_NS_UNICAST;
  else
    return ignore(L2R_BAD_DESTINATION);

  /* 14: a DAD probe is answered to all nodes, anything else to the asker. */
  static const uint8_t all_nodes_mac[6] = {0x33, 0x33, 0, 0, 0, 1};
  static const uint8_t all_nodes[16] = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  if (reason == L2R_NS_DAD)
    build_na(reply, all_nodes_mac, all_nodes, target, false, ctx->mac);
  else
    build_na(reply, sllao ? sllao : frame + 6, src, target, true, ctx->mac);
  return (struct l2_result){L2_REPLY, reason, ETH_LEN + IP6_LEN + NA_ICMP_LEN};
}

struct l2_result l2_decide(const uint8_t *frame, size_t len, const struct l2_ctx *ctx,
                           uint8_t reply[L2_REPLY_MAX]) {
  if (ctx->vlan_tagged) return ignore(L2R_VLAN_TAGGED);                                /* 1 */
  if (len < ETH_LEN) return ignore(L2R_TRUNCATED);                                     /* 2 */
  uint16_t ethertype = be16(frame + 12);
  if (ethertype == 0x8100 || ethertype == 0x88a8) return ignore(L2R_VLAN_TAGGED);      /* 3 */
  if (memcmp(frame + 6, ctx->mac, 6) == 0) return ignore(L2R_OWN_FRAME);               /* 4 */
  if (ethertype == 0x0806) return decide_arp(frame, len, ctx, reply);                  /* 5 */
  if (ethertype == 0x86dd) return decide_ndp(frame, len, ctx, reply);
  return ignore(L2R_UNSUPPORTED_ETHERTYPE);
}
