/*
 * One interface's responder: per CPU, an AF_PACKET socket with a kernel filter in one
 * PACKET_FANOUT_CPU group and a thread pinned to that CPU, answering ARP requests and neighbour
 * solicitations for owned addresses itself (a round trip through the JavaScript event loop costs
 * 100-140 µs, a thread on the receiving CPU about 5). Conflicts go to a callback.
 */
#ifndef L2_RESPONDER_H
#define L2_RESPONDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addrset.h"
#include "verdict.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Counters: one per verdict reason (indices of enum l2_reason), then these. */
enum responder_counter {
  RC_RECEIVED = L2R_COUNT,
  RC_SENT,
  RC_SEND_ERRORS,
  RC_RECEIVE_ERRORS,
  RC_CONFLICT_DROPPED,
  RC_COUNT
};

/* Called on the responder thread with a conflict frame; returns false when it had to drop it. */
typedef bool (*responder_conflict_fn)(void *arg, const uint8_t *frame, size_t len);

struct responder;

/* Where a system call failed: its name and errno. */
struct responder_error {
  const char *operation;
  int code;
};

/* Opens the sockets on `ifname` and starts the threads; NULL with *error set on failure. */
struct responder *responder_open(const char *ifname, responder_conflict_fn on_conflict, void *arg,
                                 struct responder_error *error);
/* Stops the threads (each finishes the batch in hand), closes every descriptor, frees `r`. */
void responder_close(struct responder *r);

int responder_ifindex(const struct responder *r);
/* As addrset_add / addrset_remove. */
int responder_add_address(struct responder *r, const uint8_t *ip, size_t len);
int responder_remove_address(struct responder *r, const uint8_t *ip, size_t len);
void responder_set_mac(struct responder *r, const uint8_t mac[6]);
/* 0, or the errno of sendto. */
int responder_send(struct responder *r, const uint8_t *frame, size_t len);
/* Joins (add) or leaves a link-layer multicast group; 0 or the errno of setsockopt. */
int responder_membership(struct responder *r, const uint8_t mac[6], bool add);
/* The sum over every CPU's worker. */
void responder_counters(const struct responder *r, uint64_t out[RC_COUNT]);
/* As addrset_entries: each owned address with its requests and responses; the caller frees. */
struct addrset_entry *responder_address_counters(struct responder *r, size_t *count);
/* "received", "sent", ..., or the reason's name for indices below L2R_COUNT. */
const char *responder_counter_name(unsigned index);

#ifdef __cplusplus
}
#endif

#endif
