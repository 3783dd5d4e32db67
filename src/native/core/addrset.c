/* Linear probing with backward-shift deletion: no tombstones, so lookups stay short after churn. */
#include "addrset.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define INITIAL_CAPACITY 64 /* a power of two; grows by doubling */

struct slot {
  uint8_t len; /* 0: empty */
  uint8_t ip[16];
};

struct addrset {
  pthread_rwlock_t lock;
  struct slot *slots;
  size_t capacity; /* a power of two, at least twice count so probes stay short */
  size_t count;
};

/* FNV-1a then a 64-bit finalizer (MurmurHash3's), so neighbouring addresses spread apart. */
static size_t hash(const uint8_t *ip, size_t len) {
  uint64_t h = 0xcbf29ce484222325ull ^ len;
  for (size_t i = 0; i < len; i++) h = (h ^ ip[i]) * 0x100000001b3ull;
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  return (size_t)h;
}

static bool valid_len(size_t len) { return len == 4 || len == 16; }

/* The slot holding ip, or the empty slot where it would go. */
static size_t find(const struct addrset *set, const uint8_t *ip, size_t len) {
  size_t mask = set->capacity - 1;
  size_t i = hash(ip, len) & mask;
  while (set->slots[i].len != 0 && !(set->slots[i].len == len && memcmp(set->slots[i].ip, ip, len) == 0))
    i = (i + 1) & mask;
  return i;
}

struct addrset *addrset_new(void) {
  struct addrset *set = calloc(1, sizeof *set);
  if (!set) return NULL;
  set->slots = calloc(INITIAL_CAPACITY, sizeof *set->slots);
  if (!set->slots || pthread_rwlock_init(&set->lock, NULL) != 0) {
    free(set->slots);
    free(set);
    return NULL;
  }
  set->capacity = INITIAL_CAPACITY;
  return set;
}

void addrset_free(struct addrset *set) {
  if (!set) return;
  pthread_rwlock_destroy(&set->lock);
  free(set->slots);
  free(set);
}

static int grow(struct addrset *set) {
  struct addrset bigger = {.capacity = set->capacity * 2, .count = set->count};
  bigger.slots = calloc(bigger.capacity, sizeof *bigger.slots);
  if (!bigger.slots) return -ENOMEM;
  for (size_t i = 0; i < set->capacity; i++) {
    const struct slot *s = &set->slots[i];
    if (s->len) bigger.slots[find(&bigger, s->ip, s->len)] = *s;
  }
  free(set->slots);
  set->slots = bigger.slots;
  set->capacity = bigger.capacity;
  return 0;
}

int addrset_add(struct addrset *set, const uint8_t *ip, size_t len) {
  if (!valid_len(len)) return -EINVAL;
  pthread_rwlock_wrlock(&set->lock);
  int result = 0;
  size_t i = find(set, ip, len);
  if (set->slots[i].len == 0) {
    if ((set->count + 1) * 2 > set->capacity) {
      result = grow(set);
      i = find(set, ip, len);
    }
    if (result == 0) {
      set->slots[i].len = (uint8_t)len;
      memcpy(set->slots[i].ip, ip, len);
      set->count++;
      result = 1;
    }
  }
  pthread_rwlock_unlock(&set->lock);
  return result;
}

/* Whether the entry at `home` must move back into the hole at `hole`, seen from position `at`. */
static bool belongs_before(size_t home, size_t hole, size_t at) {
  return hole <= at ? (home <= hole || home > at) : (home <= hole && home > at);
}

int addrset_remove(struct addrset *set, const uint8_t *ip, size_t len) {
  if (!valid_len(len)) return -EINVAL;
  pthread_rwlock_wrlock(&set->lock);
  size_t mask = set->capacity - 1;
  size_t hole = find(set, ip, len);
  int removed = set->slots[hole].len != 0;
  if (removed) {
    set->count--;
    /* Shift later members of the cluster back so that no lookup stops early at the hole. */
    for (size_t at = (hole + 1) & mask; set->slots[at].len != 0; at = (at + 1) & mask) {
      const struct slot *s = &set->slots[at];
      if (belongs_before(hash(s->ip, s->len) & mask, hole, at)) {
        set->slots[hole] = *s;
        hole = at;
      }
    }
    set->slots[hole].len = 0;
  }
  pthread_rwlock_unlock(&set->lock);
  return removed;
}

bool addrset_contains(struct addrset *set, const uint8_t *ip, size_t len) {
  if (!valid_len(len)) return false;
  pthread_rwlock_rdlock(&set->lock);
  bool found = set->slots[find(set, ip, len)].len != 0;
  pthread_rwlock_unlock(&set->lock);
  return found;
}

size_t addrset_size(struct addrset *set) {
  pthread_rwlock_rdlock(&set->lock);
  size_t count = set->count;
  pthread_rwlock_unlock(&set->lock);
  return count;
}

bool addrset_owns(void *set, const uint8_t *ip, size_t len) { return addrset_contains(set, ip, len); }
