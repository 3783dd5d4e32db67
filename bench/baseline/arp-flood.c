/*
 * Packet generator for the ARP rate benchmark: sends COUNT ARP requests for TARGET from this interface
 * (sender = the interface's MAC and SENDER_IP) at RATE frames/s (0 = as fast as the socket takes
 * them), while a second thread counts the ARP replies from TARGET to us. Waits DRAIN_MS after the
 * last request for late replies, then prints one JSON line:
 *   {"sent":N,"answered":M,"send_seconds":S,"offered_rate":R,"receiver_drops":D}
 * receiver_drops is the kernel's count of replies our own receive socket lost (should be 0).
 *
 * usage: arp-flood IFACE SENDER_IP TARGET_IP COUNT RATE [DRAIN_MS]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/if_ether.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct arp_frame {
  struct ether_header eth;
  struct ether_arp arp;
} __attribute__((packed));

struct receiver {
  int fd;
  struct in_addr sender, target;
  atomic_long answered;
  atomic_int stop;
};

static void die(const char *what) {
  perror(what);
  exit(1);
}

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int open_socket(const char *ifname, struct sockaddr_ll *addr) {
  int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ARP));
  if (fd < 0) die("socket");
  memset(addr, 0, sizeof *addr);
  addr->sll_family = AF_PACKET;
  addr->sll_protocol = htons(ETH_P_ARP);
  addr->sll_ifindex = (int)if_nametoindex(ifname);
  if (addr->sll_ifindex == 0) die("if_nametoindex");
  if (bind(fd, (struct sockaddr *)addr, sizeof *addr) < 0) die("bind");
  return fd;
}

static void interface_mac(int fd, const char *ifname, unsigned char mac[ETH_ALEN]) {
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
  if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) die("SIOCGIFHWADDR");
  memcpy(mac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
}

static void build_request(struct arp_frame *f, const unsigned char mac[ETH_ALEN], struct in_addr sender,
                          struct in_addr target) {
  memset(f, 0, sizeof *f);
  memset(f->eth.ether_dhost, 0xff, ETH_ALEN);
  memcpy(f->eth.ether_shost, mac, ETH_ALEN);
  f->eth.ether_type = htons(ETHERTYPE_ARP);
  f->arp.arp_hrd = htons(ARPHRD_ETHER);
  f->arp.arp_pro = htons(ETHERTYPE_IP);
  f->arp.arp_hln = ETH_ALEN;
  f->arp.arp_pln = 4;
  f->arp.arp_op = htons(ARPOP_REQUEST);
  memcpy(f->arp.arp_sha, mac, ETH_ALEN);
  memcpy(f->arp.arp_spa, &sender, 4);
  memcpy(f->arp.arp_tpa, &target, 4);
}

static int is_reply(const struct arp_frame *f, ssize_t len, const struct receiver *r) {
  return len >= (ssize_t)sizeof *f && ntohs(f->eth.ether_type) == ETHERTYPE_ARP &&
         ntohs(f->arp.arp_op) == ARPOP_REPLY && memcmp(f->arp.arp_spa, &r->target, 4) == 0 &&
         memcmp(f->arp.arp_tpa, &r->sender, 4) == 0;
}

/* Counts replies until told to stop; a 50 ms receive timeout lets it notice the stop flag. */
static void *count_replies(void *arg) {
  struct receiver *r = arg;
  struct arp_frame f;
  while (!atomic_load(&r->stop)) {
    ssize_t len = recv(r->fd, &f, sizeof f, 0);
    if (len < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (len < 0) die("recv");
    if (is_reply(&f, len, r)) atomic_fetch_add(&r->answered, 1);
  }
  return NULL;
}

static void configure_receiver(int fd) {
  int one = 1, size = 64 << 20;
  struct timeval tick = {.tv_sec = 0, .tv_usec = 50000};
  if (setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one) < 0) die("PACKET_IGNORE_OUTGOING");
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) < 0) die("SO_RCVBUFFORCE");
  if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tick, sizeof tick) < 0) die("SO_RCVTIMEO");
}

/* Sends frame i no earlier than start + i / rate; spins for the last 50 µs, sleeps before that. */
static void pace(uint64_t start, long i, double rate) {
  if (rate <= 0) return;
  uint64_t due = start + (uint64_t)((double)i * 1e9 / rate);
  for (uint64_t now = now_ns(); now < due; now = now_ns()) {
    if (due - now > 50000) {
      struct timespec nap = {.tv_sec = 0, .tv_nsec = (long)(due - now - 50000)};
      nanosleep(&nap, NULL);
    }
  }
}

int main(int argc, char **argv) {
  if (argc < 6 || argc > 7) {
    fprintf(stderr, "usage: %s IFACE SENDER_IP TARGET_IP COUNT RATE [DRAIN_MS]\n", argv[0]);
    return 2;
  }
  struct receiver r = {0};
  if (inet_pton(AF_INET, argv[2], &r.sender) != 1 || inet_pton(AF_INET, argv[3], &r.target) != 1) {
    fprintf(stderr, "not IPv4 addresses: %s %s\n", argv[2], argv[3]);
    return 2;
  }
  long count = atol(argv[4]);
  double rate = atof(argv[5]);
  long drain_ms = argc == 7 ? atol(argv[6]) : 200;
  struct sockaddr_ll addr;
  int tx = open_socket(argv[1], &addr);
  r.fd = open_socket(argv[1], &addr);
  configure_receiver(r.fd);
  unsigned char mac[ETH_ALEN];
  interface_mac(tx, argv[1], mac);
  struct arp_frame request;
  build_request(&request, mac, r.sender, r.target);

  pthread_t thread;
  if (pthread_create(&thread, NULL, count_replies, &r) != 0) die("pthread_create");
  uint64_t start = now_ns();
  long sent = 0;
  for (long i = 0; i < count; i++) {
    pace(start, i, rate);
    if (sendto(tx, &request, sizeof request, 0, (struct sockaddr *)&addr, sizeof addr) < 0) {
      if (errno == ENOBUFS || errno == EAGAIN) continue;
      die("sendto");
    }
    sent++;
  }
  double send_seconds = (double)(now_ns() - start) / 1e9;
  struct timespec drain = {.tv_sec = drain_ms / 1000, .tv_nsec = (drain_ms % 1000) * 1000000L};
  nanosleep(&drain, NULL);
  atomic_store(&r.stop, 1);
  pthread_join(thread, NULL);
  struct tpacket_stats stats;
  socklen_t stats_len = sizeof stats;
  if (getsockopt(r.fd, SOL_PACKET, PACKET_STATISTICS, &stats, &stats_len) < 0) die("PACKET_STATISTICS");
  printf("{\"sent\":%ld,\"answered\":%ld,\"send_seconds\":%.6f,\"offered_rate\":%.0f,\"receiver_drops\":%u}\n", sent,
         atomic_load(&r.answered), send_seconds, sent / send_seconds, stats.tp_drops);
  return 0;
}
