/*
 * One CPU's share of a responder: an AF_PACKET socket in the responder's PACKET_FANOUT_CPU group,
 * so the kernel hands it exactly the frames whose softirq ran on that CPU, and a thread pinned to
 * that CPU answering them. Waking a thread on the CPU that is already running the softirq costs a
 * few µs; waking one on another, idle vCPU costs tens of µs and milliseconds at the tail.
 */
#ifndef L2_WORKER_H
#define L2_WORKER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addrset.h"
#include "responder.h"

/* What every worker of one responder shares; owned by the responder. */
struct worker_shared {
  int ifindex;
  int stop; /* eventfd: once written it stays readable, so it wakes and ends every thread */
  struct addrset *owned;
  _Atomic uint64_t mac; /* 6 bytes packed, so setMac needs no lock against the threads */
  responder_conflict_fn on_conflict;
  void *conflict_arg;
};

struct worker;

/* Opens the socket (filter, auxdata, bound to shared->ifindex): NULL with *error set on failure. */
struct worker *worker_open(const struct worker_shared *shared, struct responder_error *error);
/* Joins the fanout group `group` (0 with `unique`: the kernel picks a free id, see worker_group). */
int worker_join(struct worker *w, uint16_t group, bool unique);
/* The fanout group id the socket is in; 0 or errno. */
int worker_group(struct worker *w, uint16_t *group);
/* Starts the thread, pinned to `cpu` unless it is negative. 0 or the errno of pthread_create. */
int worker_start(struct worker *w, int cpu);
/* Joins the thread if it was started (shared->stop must have been written), closes, frees. */
void worker_close(struct worker *w);
int worker_socket(const struct worker *w);
/* Adds this worker's counters into out. */
void worker_add_counters(const struct worker *w, uint64_t out[RC_COUNT]);
uint64_t worker_pack_mac(const uint8_t mac[6]);
/* 0, or the errno of sendto. */
int worker_send(int sock, int ifindex, const uint8_t *frame, size_t len);

#endif
