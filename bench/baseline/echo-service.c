/*
 * Stand-in for kube-proxy on a node of the failover bench: on PORT it echoes UDP datagrams back from the
 * address they were sent to (IP_PKTINFO, so a VIP on lo answers as the VIP, not as the node's eth0
 * address), and accepts TCP connections and closes them at once.
 *
 *   echo-service PORT
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int must(int result, const char *what) {
  if (result < 0) {
    perror(what);
    exit(1);
  }
  return result;
}

static int bound_socket(int type, int port) {
  int fd = must(socket(AF_INET, type | SOCK_NONBLOCK, 0), "socket");
  int one = 1;
  must(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one), "SO_REUSEADDR");
  struct sockaddr_in any = {.sin_family = AF_INET, .sin_port = htons(port)};
  must(bind(fd, (struct sockaddr *)&any, sizeof any), "bind");
  return fd;
}

/* Echoes every queued datagram, replying from the destination address it was received on. */
static void echo_udp(int fd) {
  for (;;) {
    char payload[2048];
    char control[CMSG_SPACE(sizeof(struct in_pktinfo))];
    struct sockaddr_in peer;
    struct iovec iov = {.iov_base = payload, .iov_len = sizeof payload};
    struct msghdr msg = {.msg_name = &peer, .msg_namelen = sizeof peer, .msg_iov = &iov, .msg_iovlen = 1,
                         .msg_control = control, .msg_controllen = sizeof control};
    ssize_t n = recvmsg(fd, &msg, 0);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) return;
      must(-1, "recvmsg");
    }
    iov.iov_len = (size_t)n;
    struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
    if (cmsg && cmsg->cmsg_level == IPPROTO_IP && cmsg->cmsg_type == IP_PKTINFO) {
      struct in_pktinfo *info = (struct in_pktinfo *)CMSG_DATA(cmsg);
      info->ipi_spec_dst = info->ipi_addr;
      info->ipi_ifindex = 0;
    }
    /* A reply that cannot be sent (no route while the link is down) is a lost answer, as on a real node. */
    sendmsg(fd, &msg, 0);
  }
}

static void accept_tcp(int fd) {
  for (;;) {
    int conn = accept4(fd, NULL, NULL, SOCK_NONBLOCK);
    if (conn < 0) {
      if (errno == EAGAIN || errno == EINTR || errno == ECONNABORTED) return;
      must(-1, "accept");
    }
    close(conn);
  }
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: echo-service PORT\n");
    return 2;
  }
  int port = atoi(argv[1]);
  int udp = bound_socket(SOCK_DGRAM, port);
  int one = 1;
  must(setsockopt(udp, IPPROTO_IP, IP_PKTINFO, &one, sizeof one), "IP_PKTINFO");
  int tcp = bound_socket(SOCK_STREAM, port);
  must(listen(tcp, 1024), "listen");
  printf("listening on %d\n", port);
  fflush(stdout);
  struct pollfd fds[2] = {{.fd = udp, .events = POLLIN}, {.fd = tcp, .events = POLLIN}};
  for (;;) {
    if (poll(fds, 2, -1) < 0 && errno != EINTR) must(-1, "poll");
    if (fds[0].revents & POLLIN) echo_udp(udp);
    if (fds[1].revents & POLLIN) accept_tcp(tcp);
  }
}
