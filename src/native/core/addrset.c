/* Linear probing with backward-shift deletion: no tombstones, so lookups stay short after churn. */
#include "addrset.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define INITIAL_CAPACITY 64 /* a power of two; grows by doubling */

/* The counters are bumped by responder threads holding the read lock (so relaxed atomics); slots
 * only move under the write lock, when no thread is bumping. */
struct slot {
  uint8_t len; /* 0: empty */
  uint8_t ip[16];
  _Atomic uint64_t requests;
  _Atomic uint64_t responses;
};

/* Moves a slot's contents; callers hold the write lock. */
static void move_slot(struct slot *to, struct slot *from) {
  to->len = from->len;
  memcpy(to->ip, from->ip, sizeof to->ip);
  atomic_store_explicit(&to->requests, atomic_load_explicit(&from->requests, memory_order_relaxed),
                        memory_order_relaxed);
  atomic_store_explicit(&to->responses, atomic_load_explicit(&from->responses, memory_order_relaxed),
                        memory_order_relaxed);
}

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
    struct slot *s = &set->slots[i];
    if (s->len) move_slot(&bigger.slots[find(&bigger, s->ip, s->len)], s);
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
      struct slot *s = &set->slots[i];
      s->len = (uint8_t)len;
      memcpy(s->ip, ip, len);
      atomic_store_explicit(&s->requests, 0, memory_order_relaxed);
      atomic_store_explicit(&s->responses, 0, memory_order_relaxed);
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
      struct slot *s = &set->slots[at];
      if (belongs_before(hash(s->ip, s->len) & mask, hole, at)) {
        move_slot(&set->slots[hole], s);
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

void addrset_count(struct addrset *set, const uint8_t *ip, size_t len, bool responded) {
  if (!valid_len(len)) return;
  pthread_rwlock_rdlock(&set->lock);
  struct slot *s = &set->slots[find(set, ip, len)];
  if (s->len != 0) {
    atomic_fetch_add_explicit(&s->requests, 1, memory_order_relaxed);
    if (responded) atomic_fetch_add_explicit(&s->responses, 1, memory_order_relaxed);
  }
  pthread_rwlock_unlock(&set->lock);
}

struct addrset_entry *addrset_entries(struct addrset *set, size_t *count) {
  pthread_rwlock_rdlock(&set->lock);
  /* One spare element so that an empty set still gets a non-NULL array. */
  struct addrset_entry *entries = calloc(set->count + 1, sizeof *entries);
  size_t n = 0;
  for (size_t i = 0; entries && i < set->capacity; i++) {
    struct slot *s = &set->slots[i];
    if (s->len == 0) continue;
    struct addrset_entry *e = &entries[n++];
    e->len = s->len;
    memcpy(e->ip, s->ip, s->len);
    e->requests = atomic_load_explicit(&s->requests, memory_order_relaxed);
    e->responses = atomic_load_explicit(&s->responses, memory_order_relaxed);
  }
  pthread_rwlock_unlock(&set->lock);
  *count = n;
  return entries;
}

bool addrset_owns(void *set, const uint8_t *ip, size_t len) { return addrset_contains(set, ip, len); }
