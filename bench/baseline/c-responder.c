/*
 * Baseline for the ARP latency benchmark: the least a C program does to answer ARP for one IPv4
 * address. One AF_PACKET socket, blocking recvfrom, a reply built in place, sendto. No BPF filter,
 * no threads, no event loop.
 *
 * usage: c-responder IFACE IPV4   (prints "ready" once the socket is bound)
 */
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/if_ether.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

struct arp_frame {
  struct ether_header eth;
  struct ether_arp arp;
} __attribute__((packed));

static void die(const char *what) {
  perror(what);
  exit(1);
}

static void interface_mac(int fd, const char *ifname, unsigned char mac[ETH_ALEN]) {
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
  if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) die("SIOCGIFHWADDR");
  memcpy(mac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
}

static int is_request_for(const struct arp_frame *f, ssize_t len, struct in_addr ip) {
  return len >= (ssize_t)sizeof *f && ntohs(f->arp.arp_hrd) == ARPHRD_ETHER &&
         ntohs(f->arp.arp_pro) == ETHERTYPE_IP && f->arp.arp_hln == ETH_ALEN && f->arp.arp_pln == 4 &&
         ntohs(f->arp.arp_op) == ARPOP_REQUEST && memcmp(f->arp.arp_tpa, &ip, 4) == 0;
}

/* Turns the request into its reply in place: swap sender and target, fill in our MAC. */
static void make_reply(struct arp_frame *f, const unsigned char mac[ETH_ALEN]) {
  memcpy(f->eth.ether_dhost, f->arp.arp_sha, ETH_ALEN);
  memcpy(f->eth.ether_shost, mac, ETH_ALEN);
  f->arp.arp_op = htons(ARPOP_REPLY);
  unsigned char ip[4];
  memcpy(ip, f->arp.arp_tpa, 4);
  memcpy(f->arp.arp_tha, f->arp.arp_sha, ETH_ALEN);
  memcpy(f->arp.arp_tpa, f->arp.arp_spa, 4);
  memcpy(f->arp.arp_sha, mac, ETH_ALEN);
  memcpy(f->arp.arp_spa, ip, 4);
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s IFACE IPV4\n", argv[0]);
    return 2;
  }
  struct in_addr ip;
  if (inet_pton(AF_INET, argv[2], &ip) != 1) {
    fprintf(stderr, "not an IPv4 address: %s\n", argv[2]);
    return 2;
  }
  int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ARP));
  if (fd < 0) die("socket");
  struct sockaddr_ll addr = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ARP)};
  addr.sll_ifindex = (int)if_nametoindex(argv[1]);
  if (addr.sll_ifindex == 0) die("if_nametoindex");
  if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0) die("bind");
  unsigned char mac[ETH_ALEN];
  interface_mac(fd, argv[1], mac);
  printf("ready\n");
  fflush(stdout);

  struct arp_frame frame;
  for (;;) {
    struct sockaddr_ll from;
    socklen_t fromlen = sizeof from;
    ssize_t len = recvfrom(fd, &frame, sizeof frame, 0, (struct sockaddr *)&from, &fromlen);
    if (len < 0) die("recvfrom");
    if (from.sll_pkttype == PACKET_OUTGOING || !is_request_for(&frame, len, ip)) continue;
    make_reply(&frame, mac);
    if (sendto(fd, &frame, sizeof frame, 0, (struct sockaddr *)&addr, sizeof addr) < 0) die("sendto");
  }
}
