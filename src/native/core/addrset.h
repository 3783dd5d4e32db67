/*
 * The owned addresses of one interface: an open-addressing hash set of IPv4 (4-byte) and IPv6
 * (16-byte) addresses. JavaScript adds and removes while the responder thread looks up, so every
 * operation takes the set's read-write lock: lookups share it, changes hold it briefly.
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

/* NULL when out of memory. */
struct addrset *addrset_new(void);
void addrset_free(struct addrset *set);

/* 1 when added, 0 when already present, -EINVAL for a length other than 4 or 16, -ENOMEM. */
int addrset_add(struct addrset *set, const uint8_t *ip, size_t len);
/* 1 when removed, 0 when absent, -EINVAL for a length other than 4 or 16. */
int addrset_remove(struct addrset *set, const uint8_t *ip, size_t len);
bool addrset_contains(struct addrset *set, const uint8_t *ip, size_t len);
size_t addrset_size(struct addrset *set);

/* addrset_contains in the shape of the verdict's l2_owns_fn (arg is the set). */
bool addrset_owns(void *set, const uint8_t *ip, size_t len);

#ifdef __cplusplus
}
#endif

#endif
