#include "responder.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "addrset.h"
#include "netif.h"

/* Frames of ARP and NDP are small; a jumbo frame fits with room to spare. */
#define FRAME_MAX 65536

struct responder {
  int sock;
  int stop; /* eventfd: written by responder_close to wake and end the thread */
  int ifindex;
  pthread_t thread;
  struct addrset *owned;
  _Atomic uint64_t mac; /* 6 bytes packed, so setMac needs no lock against the thread */
  responder_conflict_fn on_conflict;
  void *conflict_arg;
  _Atomic uint64_t counters[RC_COUNT];
  uint8_t frame[FRAME_MAX]; /* used by the thread only */
};

static const char *const counter_names[RC_COUNT - L2R_COUNT] = {
    "received", "sent", "send-errors", "receive-errors", "conflict-dropped",
};

const char *responder_counter_name(unsigned index) {
  if (index < L2R_COUNT) return l2_reason_name((enum l2_reason)index);
  return index < RC_COUNT ? counter_names[index - L2R_COUNT] : NULL;
}

static void count(struct responder *r, unsigned index) {
  atomic_fetch_add_explicit(&r->counters[index], 1, memory_order_relaxed);
}

static uint64_t pack_mac(const uint8_t mac[6]) {
  uint64_t packed = 0;
  for (int i = 0; i < 6; i++) packed = packed << 8 | mac[i];
  return packed;
}

static void unpack_mac(uint64_t packed, uint8_t mac[6]) {
  for (int i = 5; i >= 0; i--, packed >>= 8) mac[i] = (uint8_t)packed;
}

/*
 * Classic BPF run by the kernel on every frame: keep ARP, and IPv6 whose next header is ICMPv6
 * (58) with type 135 (NS) or 136 (NA); drop the host's own outgoing frames. Anything else never
 * wakes the thread. Offsets: EtherType 12, IPv6 next header 20, ICMPv6 type 54.
 */
static struct sock_filter filter_code[] = {
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + SKF_AD_PKTTYPE),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PACKET_OUTGOING, 8, 0),
    BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_ARP, 7, 0),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IPV6, 0, 5),
    BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 20),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 58, 0, 3),
    BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 54),
    BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 135, 0, 1),
    BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, 136, 0, 1), /* 135..136 accept, above: drop */
    BPF_STMT(BPF_RET | BPF_K, 0),
    BPF_STMT(BPF_RET | BPF_K, FRAME_MAX),
};

static int sendto_ifindex(int sock, int ifindex, const uint8_t *frame, size_t len) {
  struct sockaddr_ll to = {.sll_family = AF_PACKET, .sll_ifindex = ifindex, .sll_halen = 6};
  if (len >= 14) {
    memcpy(&to.sll_protocol, frame + 12, 2); /* already network order */
    memcpy(to.sll_addr, frame, 6);
  }
  return sendto(sock, frame, len, 0, (struct sockaddr *)&to, sizeof to) < 0 ? errno : 0;
}

static void handle(struct responder *r, size_t len, bool vlan_tagged) {
  struct l2_ctx ctx = {.vlan_tagged = vlan_tagged, .owns = addrset_owns, .owns_arg = r->owned};
  unpack_mac(atomic_load(&r->mac), ctx.mac);
  uint8_t reply[L2_REPLY_MAX];
  struct l2_result result = l2_decide(r->frame, len, &ctx, reply);
  count(r, result.reason);
  if (result.verdict == L2_REPLY)
    count(r, sendto_ifindex(r->sock, r->ifindex, reply, result.reply_len) ? RC_SEND_ERRORS : RC_SENT);
  else if (result.verdict == L2_CONFLICT && !r->on_conflict(r->conflict_arg, r->frame, len))
    count(r, RC_CONFLICT_DROPPED);
}

/* Reads every frame ready now: one wake-up serves a burst. */
static void drain(struct responder *r) {
  for (;;) {
    struct sockaddr_ll from;
    union {
      struct cmsghdr header;
      uint8_t bytes[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
    } control;
    struct iovec iov = {.iov_base = r->frame, .iov_len = sizeof r->frame};
    struct msghdr msg = {.msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &iov, .msg_iovlen = 1,
                         .msg_control = &control, .msg_controllen = sizeof control};
    ssize_t n = recvmsg(r->sock, &msg, MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR) continue;
      /* Any other error (ENETDOWN when the link goes away) is reported once and cleared. */
      if (errno != EAGAIN && errno != EWOULDBLOCK) count(r, RC_RECEIVE_ERRORS);
      return;
    }
    count(r, RC_RECEIVED);
    /* The filter drops outgoing frames already; should one slip through it is still ours. */
    if (from.sll_pkttype == PACKET_OUTGOING) {
      count(r, L2R_OWN_FRAME);
      continue;
    }
    bool vlan_tagged = false;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level == SOL_PACKET && c->cmsg_type == PACKET_AUXDATA) {
        struct tpacket_auxdata aux;
        memcpy(&aux, CMSG_DATA(c), sizeof aux);
        vlan_tagged = (aux.tp_status & TP_STATUS_VLAN_VALID) != 0;
      }
    }
    handle(r, (size_t)n, vlan_tagged);
  }
}

static void *run(void *arg) {
  struct responder *r = arg;
  struct pollfd fds[2] = {{.fd = r->sock, .events = POLLIN}, {.fd = r->stop, .events = POLLIN}};
  for (;;) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR || errno == ENOMEM) continue;
      count(r, RC_RECEIVE_ERRORS);
      return NULL;
    }
    if (fds[1].revents) return NULL;
    if (fds[0].revents) drain(r);
  }
}

static int set_int_option(int sock, int level, int name, int value) {
  return setsockopt(sock, level, name, &value, sizeof value) < 0 ? errno : 0;
}

/* Each step names itself in *error on failure; the socket receives nothing until bind, and by
 * then the filter is in place, so no unfiltered frame is ever queued. */
static int setup(struct responder *r, const char *ifname, struct responder_error *error) {
  struct netif_info info;
  int err = netif_info(ifname, &info, &error->operation);
  if (err) return err;
  r->ifindex = info.index;
  atomic_store(&r->mac, pack_mac(info.mac));

  error->operation = "socket(AF_PACKET)";
  r->sock = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
  if (r->sock < 0) return errno;
  struct sock_fprog filter = {.len = sizeof filter_code / sizeof filter_code[0], .filter = filter_code};
  error->operation = "SO_ATTACH_FILTER";
  if (setsockopt(r->sock, SOL_SOCKET, SO_ATTACH_FILTER, &filter, sizeof filter) < 0) return errno;
  error->operation = "PACKET_AUXDATA";
  if ((err = set_int_option(r->sock, SOL_PACKET, PACKET_AUXDATA, 1))) return err;
#ifdef PACKET_IGNORE_OUTGOING
  /* Linux 4.20+: the kernel skips our socket for outgoing frames; older kernels rely on the filter. */
  error->operation = "PACKET_IGNORE_OUTGOING";
  err = set_int_option(r->sock, SOL_PACKET, PACKET_IGNORE_OUTGOING, 1);
  if (err && err != ENOPROTOOPT) return err;
#endif
  struct sockaddr_ll addr = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL), .sll_ifindex = info.index};
  error->operation = "bind";
  if (bind(r->sock, (struct sockaddr *)&addr, sizeof addr) < 0) return errno;
  error->operation = "eventfd";
  r->stop = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (r->stop < 0) return errno;
  error->operation = "addrset";
  r->owned = addrset_new();
  if (!r->owned) return ENOMEM;
  error->operation = "pthread_create";
  return pthread_create(&r->thread, NULL, run, r);
}

static void release(struct responder *r) {
  if (r->sock >= 0) close(r->sock);
  if (r->stop >= 0) close(r->stop);
  addrset_free(r->owned);
  free(r);
}

struct responder *responder_open(const char *ifname, responder_conflict_fn on_conflict, void *arg,
                                 struct responder_error *error) {
  struct responder *r = calloc(1, sizeof *r);
  if (!r) {
    *error = (struct responder_error){"calloc", ENOMEM};
    return NULL;
  }
  r->sock = r->stop = -1;
  r->on_conflict = on_conflict;
  r->conflict_arg = arg;
  int err = setup(r, ifname, error);
  if (!err) return r;
  error->code = err;
  release(r);
  return NULL;
}

void responder_close(struct responder *r) {
  uint64_t one = 1;
  /* An eventfd write of 1 cannot fail short of a counter overflow, which one write cannot reach. */
  while (write(r->stop, &one, sizeof one) < 0 && errno == EINTR) {
  }
  pthread_join(r->thread, NULL);
  release(r);
}

int responder_ifindex(const struct responder *r) { return r->ifindex; }

int responder_add_address(struct responder *r, const uint8_t *ip, size_t len) {
  return addrset_add(r->owned, ip, len);
}

int responder_remove_address(struct responder *r, const uint8_t *ip, size_t len) {
  return addrset_remove(r->owned, ip, len);
}

void responder_set_mac(struct responder *r, const uint8_t mac[6]) { atomic_store(&r->mac, pack_mac(mac)); }

int responder_send(struct responder *r, const uint8_t *frame, size_t len) {
  return sendto_ifindex(r->sock, r->ifindex, frame, len);
}

int responder_membership(struct responder *r, const uint8_t mac[6], bool add) {
  struct packet_mreq mreq = {.mr_ifindex = r->ifindex, .mr_type = PACKET_MR_MULTICAST, .mr_alen = 6};
  memcpy(mreq.mr_address, mac, 6);
  int name = add ? PACKET_ADD_MEMBERSHIP : PACKET_DROP_MEMBERSHIP;
  return setsockopt(r->sock, SOL_PACKET, name, &mreq, sizeof mreq) < 0 ? errno : 0;
}

void responder_counters(const struct responder *r, uint64_t out[RC_COUNT]) {
  for (unsigned i = 0; i < RC_COUNT; i++) out[i] = atomic_load_explicit(&r->counters[i], memory_order_relaxed);
}
