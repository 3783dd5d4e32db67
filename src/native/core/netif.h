/* What the kernel says about a network interface, read with ioctl. */
#ifndef L2_NETIF_H
#define L2_NETIF_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct netif_info {
  int index;
  uint8_t mac[6];
  unsigned flags; /* IFF_UP, IFF_BROADCAST, ... */
  int mtu;
};

/* 0, or the errno with *operation naming the failed call (ENODEV: no such interface). */
int netif_info(const char *ifname, struct netif_info *out, const char **operation);

#ifdef __cplusplus
}
#endif

#endif
