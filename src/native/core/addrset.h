/*
 * The owned addresses of one interface: an open-addressing hash set of IPv4 (4-byte) and IPv6
 * (16-byte) addresses, each with request and response counters. JavaScript adds and removes while
 * the responder threads (one per CPU) look up and count, so every operation takes the set's
 * read-write lock: lookups and counts share it, changes hold it briefly.
 */
#ifndef L2_ADDRSET_H
#define L2_ADDRSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct addrset;

/* One owned address and its counters, as addrset_entries copies them out. */
struct addrset_entry {
  uint8_t len;
  uint8_t ip[16];
  uint64_t requests;  /* frames whose verdict was a reply for this address */
  uint64_t responses; /* of those, replies sent */
};

/* NULL when out of memory. */
struct addrset *addrset_new(void);
void addrset_free(struct addrset *set);

/* 1 when added, 0 when already present, -EINVAL for a length other than 4 or 16, -ENOMEM. */
int addrset_add(struct addrset *set, const uint8_t *ip, size_t len);
/* 1 when removed, 0 when absent, -EINVAL for a length other than 4 or 16. */
int addrset_remove(struct addrset *set, const uint8_t *ip, size_t len);
bool addrset_contains(struct addrset *set, const uint8_t *ip, size_t len);
size_t addrset_size(struct addrset *set);

/* Counts one request for `ip` and, when `responded`, one response; nothing when it is not owned
 * (removed meanwhile). A removed address's counters are gone; adding it again starts at zero. */
void addrset_count(struct addrset *set, const uint8_t *ip, size_t len, bool responded);
/* Every member with its counters, in no order, in a malloc'd array the caller frees (*count set);
 * NULL when out of memory. */
struct addrset_entry *addrset_entries(struct addrset *set, size_t *count);

/* addrset_contains in the shape of the verdict's l2_owns_fn (arg is the set). */
bool addrset_owns(void *set, const uint8_t *ip, size_t len);

#ifdef __cplusplus
}
#endif

#endif
