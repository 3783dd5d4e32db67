/*
 * The failover bench's client: sends a UDP probe (sequence number, send time) to VIP:PORT every 1 ms and
 * starts a non-blocking TCP connection to it every 10 ms. It prints "ready" once answers flow (200 UDP
 * answers, the last under 5 ms ago, and a TCP connection). SIGUSR1 marks the start of the event, SIGUSR2
 * its end (the command that causes it returned). From the last answer before the start:
 *   UDP outage = the longest time between two consecutive UDP answers;
 *   TCP outage = the longest time between two consecutive established connections.
 * It exits once, after the end, UDP and TCP have answered without a gap over 10 ms (UDP) or 20 ms (TCP)
 * for SETTLE_MS, or TIMEOUT_MS after the start, and prints one JSON line (ms; the gap's start relative to
 * the mark; null outages when the answers had not settled by the timeout).
 *
 *   probe-client VIP PORT TIMEOUT_MS SETTLE_MS
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define UDP_EVERY_NS 1000000LL
#define TCP_EVERY_NS 10000000LL
#define TCP_GIVE_UP_NS 3000000000LL
#define MAX_PENDING 512
#define NONE INT64_MIN

struct probe {
  uint64_t seq;
  int64_t sent_ns;
};

struct pending {
  int fd;
  int64_t started_ns;
};

static volatile sig_atomic_t started, ended;
static int64_t start_ns = NONE, end_ns = NONE;

static int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void on_signal(int sig) {
  if (sig == SIGUSR1 && !started) {
    start_ns = now_ns();
    started = 1;
  } else if (sig == SIGUSR2 && started && !ended) {
    end_ns = now_ns();
    ended = 1;
  }
}

static int must(int result, const char *what) {
  if (result < 0) {
    perror(what);
    exit(1);
  }
  return result;
}

/* Answers of one kind: the last one, and the longest gap between two answers since the event started. */
struct answers {
  int64_t last, gap, gap_start, calm_since;
  uint64_t count, after_end, gaps_over;
  int64_t calm_gap;
};

static void answered(struct answers *a, int64_t now) {
  a->count++;
  if (started && a->last != NONE && now >= start_ns) {
    int64_t gap = now - a->last;
    if (gap > a->gap) {
      a->gap = gap;
      a->gap_start = a->last;
    }
    if (gap > a->calm_gap) {
      a->gaps_over++;
      a->calm_since = now;
    }
  }
  if (ended && now >= end_ns) a->after_end++;
  a->last = now;
}

/* Settled: answered since the end, no gap over calm_gap for `settle`, the last answer recent. */
static int settled(const struct answers *a, int64_t now, int64_t settle) {
  int64_t since = a->calm_since > end_ns ? a->calm_since : end_ns;
  return a->after_end > 0 && now - since >= settle && now - a->last <= a->calm_gap;
}

static void print_answers(const char *name, const struct answers *a, int settled_both) {
  if (!settled_both)
    printf("\"%sOutageMs\":null,\"%sGapStartMs\":null,", name, name);
  else
    printf("\"%sOutageMs\":%.3f,\"%sGapStartMs\":%.3f,", name, (double)a->gap / 1e6, name,
           (double)(a->gap_start - start_ns) / 1e6);
  printf("\"%sGapsOver\":%llu,", name, (unsigned long long)a->gaps_over);
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: probe-client VIP PORT TIMEOUT_MS SETTLE_MS\n");
    return 2;
  }
  struct sockaddr_in vip = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[2]))};
  if (inet_pton(AF_INET, argv[1], &vip.sin_addr) != 1) {
    fprintf(stderr, "not an IPv4 address: %s\n", argv[1]);
    return 2;
  }
  int64_t timeout_ns = atoll(argv[3]) * 1000000LL, settle_ns = atoll(argv[4]) * 1000000LL;
  struct sigaction action = {.sa_handler = on_signal};
  must(sigaction(SIGUSR1, &action, NULL), "sigaction");
  must(sigaction(SIGUSR2, &action, NULL), "sigaction");

  int udp = must(socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0), "socket");
  must(connect(udp, (struct sockaddr *)&vip, sizeof vip), "connect");
  struct pending pending[MAX_PENDING];
  int npending = 0;
  uint64_t seq = 0, sent = 0, tcp_failed = 0;
  struct answers udp_answers = {.last = NONE, .gap_start = NONE, .calm_since = NONE, .calm_gap = 10000000LL};
  struct answers tcp_answers = {.last = NONE, .gap_start = NONE, .calm_since = NONE, .calm_gap = 20000000LL};
  int ready = 0, settled_both = 0;
  int64_t next_udp = now_ns(), next_tcp = next_udp;

  for (;;) {
    int64_t now = now_ns();
    settled_both = ended && settled(&udp_answers, now, settle_ns) && settled(&tcp_answers, now, settle_ns);
    if (settled_both) break;
    if (started && now >= start_ns + timeout_ns) break;
    if (now >= next_udp) {
      struct probe probe = {.seq = seq++, .sent_ns = now};
      if (send(udp, &probe, sizeof probe, 0) == sizeof probe) sent++;
      next_udp += UDP_EVERY_NS;
    }
    if (now >= next_tcp && npending < MAX_PENDING) {
      int fd = must(socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), "socket");
      int rc = connect(fd, (struct sockaddr *)&vip, sizeof vip);
      if (rc == 0 || errno == EINPROGRESS)
        pending[npending++] = (struct pending){.fd = fd, .started_ns = now};
      else {
        tcp_failed++;
        close(fd);
      }
      next_tcp += TCP_EVERY_NS;
    }
    struct pollfd fds[1 + MAX_PENDING];
    fds[0] = (struct pollfd){.fd = udp, .events = POLLIN};
    for (int i = 0; i < npending; i++) fds[1 + i] = (struct pollfd){.fd = pending[i].fd, .events = POLLOUT};
    int64_t next = next_udp < next_tcp ? next_udp : next_tcp;
    int64_t wait = next - now_ns();
    struct timespec ts = {.tv_sec = 0, .tv_nsec = wait > 0 ? wait : 0};
    if (ppoll(fds, 1 + npending, &ts, NULL) < 0 && errno != EINTR) must(-1, "ppoll");
    now = now_ns();
    if (fds[0].revents & (POLLIN | POLLERR)) {
      struct probe reply;
      ssize_t n;
      /* ICMP errors surface as failed recv calls: no answer. */
      while ((n = recv(udp, &reply, sizeof reply, 0)) >= 0 || errno != EAGAIN)
        if (n == sizeof reply) answered(&udp_answers, now);
    }
    int kept = 0;
    for (int i = 0; i < npending; i++) {
      struct pending p = pending[i];
      int done = 0;
      if (fds[1 + i].revents) {
        int err = 0;
        socklen_t len = sizeof err;
        getsockopt(p.fd, SOL_SOCKET, SO_ERROR, &err, &len);
        done = 1;
        if (err == 0)
          answered(&tcp_answers, now);
        else
          tcp_failed++;
      } else if (now - p.started_ns > TCP_GIVE_UP_NS) {
        done = 1;
        tcp_failed++;
      }
      if (done)
        close(p.fd);
      else
        pending[kept++] = p;
    }
    npending = kept;
    if (!ready && udp_answers.count >= 200 && tcp_answers.count > 0 && now - udp_answers.last < 5000000LL) {
      ready = 1;
      printf("ready\n");
      fflush(stdout);
    }
  }
  printf("{");
  print_answers("udp", &udp_answers, settled_both);
  print_answers("tcp", &tcp_answers, settled_both);
  printf("\"eventMs\":%.3f,", end_ns == NONE ? -1.0 : (double)(end_ns - start_ns) / 1e6);
  printf("\"sent\":%llu,\"received\":%llu,\"tcpOk\":%llu,\"tcpFailed\":%llu}\n", (unsigned long long)sent,
         (unsigned long long)udp_answers.count, (unsigned long long)tcp_answers.count,
         (unsigned long long)tcp_failed);
  return 0;
}
