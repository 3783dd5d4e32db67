/*
 * libFuzzer target for the native verdict and the owned-address set (built by run.sh under ASan and
 * UBSan). Input: byte 0 chooses the context, the rest is the frame; the same bytes then drive a
 * sequence of set operations, per-address counts included, checked against plain arrays.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/native/core/addrset.h"
#include "../../src/native/core/verdict.h"

#define CHECK(cond)                                                        \
  do {                                                                     \
    if (!(cond)) {                                                         \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      abort();                                                             \
    }                                                                      \
  } while (0)

/* Owns addresses the frame itself names, so the fuzzer reaches replies and conflicts, not only
 * not-owned: bit 1 the ARP sender IP, bit 2 the ARP target IP, bit 3 the NDP target. */
static void own_from_frame(struct addrset *set, uint8_t flags, const uint8_t *frame, size_t len) {
  if ((flags & 2) && len >= 14 + 18) CHECK(addrset_add(set, frame + 28, 4) >= 0);
  if ((flags & 4) && len >= 14 + 28) CHECK(addrset_add(set, frame + 38, 4) >= 0);
  if ((flags & 8) && len >= 62 + 16) CHECK(addrset_add(set, frame + 62, 16) >= 0);
}

static void check_verdict(uint8_t flags, const uint8_t *frame, size_t len) {
  static const uint8_t fixed_mac[6] = {0x02, 0, 0x5e, 0x10, 0, 1};
  struct addrset *set = addrset_new();
  CHECK(set != NULL);
  own_from_frame(set, flags, frame, len);
  struct l2_ctx ctx = {.vlan_tagged = flags & 1, .owns = addrset_owns, .owns_arg = set};
  /* bits 4-5: our MAC is a fixed one, the frame's destination, or its source (own-frame). */
  unsigned mac_choice = (flags >> 4) & 3;
  memcpy(ctx.mac, fixed_mac, 6);
  if (mac_choice == 1 && len >= 6) memcpy(ctx.mac, frame, 6);
  if (mac_choice == 2 && len >= 12) memcpy(ctx.mac, frame + 6, 6);

  uint8_t reply[L2_REPLY_MAX];
  struct l2_result r = l2_decide(frame, len, &ctx, reply);
  CHECK(l2_reason_name(r.reason) != NULL);
  CHECK((r.verdict == L2_REPLY) == (r.reason <= L2R_NS_DAD));
  CHECK((r.verdict == L2_CONFLICT) == (r.reason == L2R_CONFLICT));
  if (r.verdict == L2_REPLY) {
    CHECK(memcmp(reply + 6, ctx.mac, 6) == 0);
    if (r.reason <= L2R_ARP_PROBE) {
      CHECK(r.reply_len == 42);
    } else {
      CHECK(r.reply_len == 86);
      /* The NA we send must pass our own checks: right checksum, hop limit 255. */
      CHECK(l2_icmpv6_checksum(reply + 22, reply + 38, reply + 54, 32) == 0);
      CHECK(reply[21] == 255);
    }
  } else {
    CHECK(r.reply_len == 0);
  }
  addrset_free(set);
}

/* Keys from a small space so that duplicates, collisions, growth and deletion shifts all happen. */
#define KEYS 512
/* Enough operations to grow the set twice; more would only slow the run down. */
#define MAX_OPS 192

static size_t make_key(unsigned index, uint8_t ip[16]) {
  memset(ip, 0, 16);
  ip[0] = (uint8_t)(index & 0xff);
  ip[3] = (uint8_t)(index * 7);
  return index < 256 ? 4 : 16;
}

/* addrset_entries must list exactly the members, each with its counts since it was last added. */
static void check_entries(struct addrset *set, const bool reference[KEYS], const uint64_t requests[KEYS],
                          const uint64_t responses[KEYS], size_t count) {
  size_t n = SIZE_MAX;
  struct addrset_entry *entries = addrset_entries(set, &n);
  CHECK(entries != NULL && n == count);
  uint8_t ip[16];
  for (size_t e = 0; e < n; e++) {
    bool found = false;
    for (unsigned index = 0; index < KEYS && !found; index++) {
      size_t key_len = make_key(index, ip);
      if (!reference[index] || entries[e].len != key_len || memcmp(entries[e].ip, ip, key_len) != 0) continue;
      CHECK(entries[e].requests == requests[index] && entries[e].responses == responses[index]);
      found = true;
    }
    CHECK(found);
  }
  free(entries);
}

static void check_addrset(const uint8_t *data, size_t len) {
  struct addrset *set = addrset_new();
  CHECK(set != NULL);
  bool reference[KEYS] = {false}, touched[KEYS] = {false};
  uint64_t requests[KEYS] = {0}, responses[KEYS] = {0};
  size_t count = 0;
  uint8_t ip[16];
  for (size_t i = 0; i + 1 < len && i < 2 * MAX_OPS; i += 2) {
    unsigned index = (unsigned)(data[i] & 1) << 8 | data[i + 1];
    size_t key_len = make_key(index, ip);
    touched[index] = true;
    switch ((data[i] >> 1) & 3) {
      case 0:
      case 1: /* adds twice as often as removes, so the set grows */
        CHECK(addrset_add(set, ip, key_len) == !reference[index]);
        count += !reference[index];
        if (!reference[index]) requests[index] = responses[index] = 0;
        reference[index] = true;
        break;
      case 2:
        CHECK(addrset_remove(set, ip, key_len) == reference[index]);
        count -= reference[index];
        reference[index] = false;
        break;
      default: {
        /* A lookup, then a count as the responder makes it: bit 3 says whether the reply went out. */
        bool responded = (data[i] >> 3) & 1;
        CHECK(addrset_contains(set, ip, key_len) == reference[index]);
        addrset_count(set, ip, key_len, responded);
        requests[index] += reference[index];
        responses[index] += reference[index] && responded;
      }
    }
    CHECK(addrset_size(set) == count);
  }
  check_entries(set, reference, requests, responses, count);
  /* Every key this input touched, and a sample of the others (checking all 512 halves the speed). */
  for (unsigned index = 0; index < KEYS; index++) {
    if (!touched[index] && index % 16 != 0) continue;
    size_t key_len = make_key(index, ip);
    CHECK(addrset_contains(set, ip, key_len) == reference[index]);
  }
  CHECK(addrset_add(set, ip, 5) < 0);
  addrset_free(set);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len) {
  if (len == 0) return 0;
  check_verdict(data[0], data + 1, len - 1);
  check_addrset(data, len);
  return 0;
}
