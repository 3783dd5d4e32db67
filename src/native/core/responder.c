#include "responder.h"

#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <linux/if_packet.h>
#include <unistd.h>

#include "addrset.h"
#include "netif.h"
#include "worker.h"

/*
 * One worker per CPU of the machine, all in one PACKET_FANOUT_CPU group: the kernel gives a frame
 * to member (receiving CPU mod members), so with as many members as CPUs each frame goes to the
 * worker of the CPU that received it, pinned there when the process may run there. Worker 0's
 * socket also sends JavaScript's frames and holds the link-layer memberships, which are the
 * device's and so serve every member.
 */
struct responder {
  struct worker_shared shared;
  unsigned workers_count;
  struct worker **workers;
};

static const char *const counter_names[RC_COUNT - L2R_COUNT] = {
    "received", "sent", "send-errors", "receive-errors", "conflict-dropped",
};

const char *responder_counter_name(unsigned index) {
  if (index < L2R_COUNT) return l2_reason_name((enum l2_reason)index);
  return index < RC_COUNT ? counter_names[index - L2R_COUNT] : NULL;
}

/* CPU ids run from 0 to the configured count - 1; at least one worker whatever sysconf says. */
static unsigned cpu_count(void) {
  long n = sysconf(_SC_NPROCESSORS_CONF);
  return n < 1 ? 1 : n > CPU_SETSIZE ? CPU_SETSIZE : (unsigned)n;
}

/* Opens a worker per CPU, joins them to a fresh fanout group, starts them. */
static int start_workers(struct responder *r, struct responder_error *error) {
  cpu_set_t allowed;
  bool known = sched_getaffinity(0, sizeof allowed, &allowed) == 0;
  r->workers_count = cpu_count();
  r->workers = calloc(r->workers_count, sizeof *r->workers);
  if (!r->workers) {
    *error = (struct responder_error){"calloc", ENOMEM};
    return -1;
  }
  uint16_t group = 0;
  for (unsigned cpu = 0; cpu < r->workers_count; cpu++) {
    struct worker *w = r->workers[cpu] = worker_open(&r->shared, error);
    if (!w) return -1;
    /* The first member asks the kernel for an unused group id; the others join that id. */
    error->operation = "PACKET_FANOUT";
    if ((error->code = worker_join(w, group, cpu == 0))) return -1;
    if (cpu == 0 && (error->code = worker_group(w, &group))) return -1;
  }
  for (unsigned cpu = 0; cpu < r->workers_count; cpu++) {
    /* A CPU the process may not run on still has its member; its thread runs where it may. */
    bool pin = known && CPU_ISSET(cpu, &allowed);
    error->operation = "pthread_create";
    if ((error->code = worker_start(r->workers[cpu], pin ? (int)cpu : -1))) return -1;
  }
  return 0;
}

static void release(struct responder *r) {
  if (r->shared.stop >= 0) {
    uint64_t one = 1;
    /* An eventfd write of 1 cannot fail short of a counter overflow, which one write cannot reach. */
    while (write(r->shared.stop, &one, sizeof one) < 0 && errno == EINTR) {
    }
  }
  for (unsigned i = 0; r->workers && i < r->workers_count; i++) worker_close(r->workers[i]);
  free(r->workers);
  if (r->shared.stop >= 0) close(r->shared.stop);
  addrset_free(r->shared.owned);
  free(r);
}

struct responder *responder_open(const char *ifname, responder_conflict_fn on_conflict, void *arg,
                                 struct responder_error *error) {
  struct responder *r = calloc(1, sizeof *r);
  if (!r) {
    *error = (struct responder_error){"calloc", ENOMEM};
    return NULL;
  }
  r->shared.stop = -1;
  r->shared.on_conflict = on_conflict;
  r->shared.conflict_arg = arg;
  struct netif_info info;
  int err = netif_info(ifname, &info, &error->operation);
  if (!err) {
    r->shared.ifindex = info.index;
    atomic_store(&r->shared.mac, worker_pack_mac(info.mac));
    error->operation = "eventfd";
    r->shared.stop = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    err = r->shared.stop < 0 ? errno : 0;
  }
  if (!err) {
    error->operation = "addrset";
    r->shared.owned = addrset_new();
    err = r->shared.owned ? 0 : ENOMEM;
  }
  if (!err && start_workers(r, error) == 0) return r;
  if (err) error->code = err;
  release(r);
  return NULL;
}

void responder_close(struct responder *r) { release(r); }

int responder_ifindex(const struct responder *r) { return r->shared.ifindex; }

int responder_add_address(struct responder *r, const uint8_t *ip, size_t len) {
  return addrset_add(r->shared.owned, ip, len);
}

int responder_remove_address(struct responder *r, const uint8_t *ip, size_t len) {
  return addrset_remove(r->shared.owned, ip, len);
}

void responder_set_mac(struct responder *r, const uint8_t mac[6]) {
  atomic_store(&r->shared.mac, worker_pack_mac(mac));
}

int responder_send(struct responder *r, const uint8_t *frame, size_t len) {
  return worker_send(worker_socket(r->workers[0]), r->shared.ifindex, frame, len);
}

int responder_membership(struct responder *r, const uint8_t mac[6], bool add) {
  struct packet_mreq mreq = {.mr_ifindex = r->shared.ifindex, .mr_type = PACKET_MR_MULTICAST, .mr_alen = 6};
  memcpy(mreq.mr_address, mac, 6);
  int name = add ? PACKET_ADD_MEMBERSHIP : PACKET_DROP_MEMBERSHIP;
  return setsockopt(worker_socket(r->workers[0]), SOL_PACKET, name, &mreq, sizeof mreq) < 0 ? errno : 0;
}

void responder_counters(const struct responder *r, uint64_t out[RC_COUNT]) {
  memset(out, 0, RC_COUNT * sizeof out[0]);
  for (unsigned i = 0; i < r->workers_count; i++) worker_add_counters(r->workers[i], out);
}

struct addrset_entry *responder_address_counters(struct responder *r, size_t *count) {
  return addrset_entries(r->shared.owned, count);
}
