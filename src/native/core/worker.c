#include "worker.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <poll.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Frames of ARP and NDP are small; a jumbo frame fits with room to spare. */
#define FRAME_MAX 65536
/* Frames read (recvmmsg) and replies sent (sendmmsg) per system call under a burst. */
#define BATCH 16
/* The thread's stack holds only small locals; the frame buffers live in the worker. */
#define STACK_SIZE (256 * 1024)

struct worker {
  const struct worker_shared *shared;
  int sock;
  bool started;
  pthread_t thread;
  /* Written by this worker's thread only; relaxed atomics so counters() reads whole values. */
  _Atomic uint64_t counters[RC_COUNT];
  struct sockaddr_ll from[BATCH];
  union {
    struct cmsghdr header;
    uint8_t bytes[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
  } control[BATCH];
  uint8_t replies[BATCH][L2_REPLY_MAX];
  uint8_t frames[BATCH][FRAME_MAX];
};

static void count(struct worker *w, unsigned index) {
  uint64_t value = atomic_load_explicit(&w->counters[index], memory_order_relaxed);
  atomic_store_explicit(&w->counters[index], value + 1, memory_order_relaxed);
}

uint64_t worker_pack_mac(const uint8_t mac[6]) {
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
 * wakes a thread. Offsets: EtherType 12, IPv6 next header 20, ICMPv6 type 54.
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

static void address_to(struct sockaddr_ll *to, int ifindex, const uint8_t *frame, size_t len) {
  *to = (struct sockaddr_ll){.sll_family = AF_PACKET, .sll_ifindex = ifindex, .sll_halen = 6};
  if (len >= 14) {
    memcpy(&to->sll_protocol, frame + 12, 2); /* already network order */
    memcpy(to->sll_addr, frame, 6);
  }
}

int worker_send(int sock, int ifindex, const uint8_t *frame, size_t len) {
  struct sockaddr_ll to;
  address_to(&to, ifindex, frame, len);
  return sendto(sock, frame, len, 0, (struct sockaddr *)&to, sizeof to) < 0 ? errno : 0;
}

/* The owned address a reply answers for: the ARP sender IP, or the NA's target address. */
static const uint8_t *replied_address(const uint8_t *reply, size_t len, size_t *ip_len) {
  *ip_len = len == 42 ? 4 : 16;
  return reply + (len == 42 ? 28 : 62);
}

/* Sends the batch's replies, one system call while the kernel takes them all, and counts them. */
static void send_replies(struct worker *w, const size_t lengths[], unsigned n) {
  const struct worker_shared *s = w->shared;
  struct sockaddr_ll to[BATCH];
  struct iovec iov[BATCH];
  struct mmsghdr msgs[BATCH];
  for (unsigned i = 0; i < n; i++) {
    address_to(&to[i], s->ifindex, w->replies[i], lengths[i]);
    iov[i] = (struct iovec){.iov_base = w->replies[i], .iov_len = lengths[i]};
    msgs[i] = (struct mmsghdr){.msg_hdr = {.msg_name = &to[i], .msg_namelen = sizeof to[i], .msg_iov = &iov[i],
                                           .msg_iovlen = 1}};
  }
  for (unsigned done = 0; done < n;) {
    int sent = sendmmsg(w->sock, msgs + done, n - done, 0);
    if (sent < 0 && errno == EINTR) continue;
    /* A failed reply is counted and skipped; the rest of the batch still goes out. */
    unsigned ok = sent > 0 ? (unsigned)sent : 0, end = done + (sent > 0 ? ok : 1);
    for (; done < end; done++) {
      size_t ip_len;
      const uint8_t *ip = replied_address(w->replies[done], lengths[done], &ip_len);
      addrset_count(s->owned, ip, ip_len, sent > 0);
      count(w, sent > 0 ? RC_SENT : RC_SEND_ERRORS);
    }
  }
}

static bool vlan_tagged(struct msghdr *msg) {
  for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
    if (c->cmsg_level == SOL_PACKET && c->cmsg_type == PACKET_AUXDATA) {
      struct tpacket_auxdata aux;
      memcpy(&aux, CMSG_DATA(c), sizeof aux);
      return (aux.tp_status & TP_STATUS_VLAN_VALID) != 0;
    }
  }
  return false;
}

/* Decides on each received frame; replies are gathered for send_replies. Returns their number. */
static unsigned decide_batch(struct worker *w, struct mmsghdr msgs[], unsigned n, size_t lengths[]) {
  const struct worker_shared *s = w->shared;
  struct l2_ctx ctx = {.owns = addrset_owns, .owns_arg = s->owned};
  unpack_mac(atomic_load(&s->mac), ctx.mac);
  unsigned replies = 0;
  for (unsigned i = 0; i < n; i++) {
    size_t len = msgs[i].msg_len;
    count(w, RC_RECEIVED);
    /* The filter drops outgoing frames already; should one slip through it is still ours. */
    if (w->from[i].sll_pkttype == PACKET_OUTGOING) {
      count(w, L2R_OWN_FRAME);
      continue;
    }
    ctx.vlan_tagged = vlan_tagged(&msgs[i].msg_hdr);
    struct l2_result result = l2_decide(w->frames[i], len, &ctx, w->replies[replies]);
    count(w, result.reason);
    if (result.verdict == L2_REPLY)
      lengths[replies++] = result.reply_len;
    else if (result.verdict == L2_CONFLICT && !s->on_conflict(s->conflict_arg, w->frames[i], len))
      count(w, RC_CONFLICT_DROPPED);
  }
  return replies;
}

/* Reads every frame ready now, a batch per system call: one wake-up serves a burst. */
static void drain(struct worker *w) {
  struct iovec iov[BATCH];
  struct mmsghdr msgs[BATCH];
  for (;;) {
    for (unsigned i = 0; i < BATCH; i++) {
      iov[i] = (struct iovec){.iov_base = w->frames[i], .iov_len = FRAME_MAX};
      msgs[i] = (struct mmsghdr){.msg_hdr = {.msg_name = &w->from[i], .msg_namelen = sizeof w->from[i],
                                             .msg_iov = &iov[i], .msg_iovlen = 1, .msg_control = &w->control[i],
                                             .msg_controllen = sizeof w->control[i]}};
    }
    int n = recvmmsg(w->sock, msgs, BATCH, MSG_DONTWAIT, NULL);
    if (n < 0) {
      if (errno == EINTR) continue;
      /* Any other error (ENETDOWN when the link goes away) is reported once and cleared. */
      if (errno != EAGAIN && errno != EWOULDBLOCK) count(w, RC_RECEIVE_ERRORS);
      return;
    }
    size_t lengths[BATCH];
    unsigned replies = decide_batch(w, msgs, (unsigned)n, lengths);
    if (replies) send_replies(w, lengths, replies);
    if (n < BATCH) return;
  }
}

static void *run(void *arg) {
  struct worker *w = arg;
  struct pollfd fds[2] = {{.fd = w->sock, .events = POLLIN}, {.fd = w->shared->stop, .events = POLLIN}};
  for (;;) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR || errno == ENOMEM) continue;
      count(w, RC_RECEIVE_ERRORS);
      return NULL;
    }
    if (fds[1].revents) return NULL;
    if (fds[0].revents) drain(w);
  }
}

static int set_int_option(int sock, int level, int name, int value) {
  return setsockopt(sock, level, name, &value, sizeof value) < 0 ? errno : 0;
}

/* Each step names itself in *error on failure; the socket receives nothing until bind, and by
 * then the filter is in place, so no unfiltered frame is ever queued. */
static int setup(struct worker *w, struct responder_error *error) {
  int err;
  error->operation = "socket(AF_PACKET)";
  w->sock = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
  if (w->sock < 0) return errno;
  struct sock_fprog filter = {.len = sizeof filter_code / sizeof filter_code[0], .filter = filter_code};
  error->operation = "SO_ATTACH_FILTER";
  if (setsockopt(w->sock, SOL_SOCKET, SO_ATTACH_FILTER, &filter, sizeof filter) < 0) return errno;
  error->operation = "PACKET_AUXDATA";
  if ((err = set_int_option(w->sock, SOL_PACKET, PACKET_AUXDATA, 1))) return err;
#ifdef PACKET_IGNORE_OUTGOING
  /* Linux 4.20+: the kernel skips our socket for outgoing frames; older kernels rely on the filter. */
  error->operation = "PACKET_IGNORE_OUTGOING";
  err = set_int_option(w->sock, SOL_PACKET, PACKET_IGNORE_OUTGOING, 1);
  if (err && err != ENOPROTOOPT) return err;
#endif
  struct sockaddr_ll addr = {
      .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL), .sll_ifindex = w->shared->ifindex};
  error->operation = "bind";
  return bind(w->sock, (struct sockaddr *)&addr, sizeof addr) < 0 ? errno : 0;
}

struct worker *worker_open(const struct worker_shared *shared, struct responder_error *error) {
  struct worker *w = calloc(1, sizeof *w);
  if (!w) {
    *error = (struct responder_error){"calloc", ENOMEM};
    return NULL;
  }
  w->shared = shared;
  w->sock = -1;
  int err = setup(w, error);
  if (!err) return w;
  error->code = err;
  worker_close(w);
  return NULL;
}

int worker_join(struct worker *w, uint16_t group, bool unique) {
  /* Rollover: when this CPU's socket is nearly full (its thread starved by a busy CPU), the kernel
   * hands the frame to another member rather than dropping it. */
  int flags = PACKET_FANOUT_CPU | PACKET_FANOUT_FLAG_ROLLOVER | (unique ? PACKET_FANOUT_FLAG_UNIQUEID : 0);
  return set_int_option(w->sock, SOL_PACKET, PACKET_FANOUT, group | flags << 16);
}

int worker_group(struct worker *w, uint16_t *group) {
  int value = 0;
  socklen_t len = sizeof value;
  if (getsockopt(w->sock, SOL_PACKET, PACKET_FANOUT, &value, &len) < 0) return errno;
  *group = (uint16_t)value;
  return 0;
}

int worker_start(struct worker *w, int cpu) {
  pthread_attr_t attr;
  int err = pthread_attr_init(&attr);
  if (err) return err;
  err = pthread_attr_setstacksize(&attr, STACK_SIZE);
  if (!err && cpu >= 0) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    err = pthread_attr_setaffinity_np(&attr, sizeof set, &set);
  }
  if (!err) err = pthread_create(&w->thread, &attr, run, w);
  pthread_attr_destroy(&attr);
  w->started = err == 0;
  return err;
}

void worker_close(struct worker *w) {
  if (!w) return;
  if (w->started) pthread_join(w->thread, NULL);
  if (w->sock >= 0) close(w->sock);
  free(w);
}

int worker_socket(const struct worker *w) { return w->sock; }

void worker_add_counters(const struct worker *w, uint64_t out[RC_COUNT]) {
  for (unsigned i = 0; i < RC_COUNT; i++) out[i] += atomic_load_explicit(&w->counters[i], memory_order_relaxed);
}
