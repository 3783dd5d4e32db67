#include "netif.h"

#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

/* Issues one interface ioctl; on failure names it and returns errno. */
static int query(int fd, unsigned long request, struct ifreq *ifr, const char *name, const char **operation) {
  if (ioctl(fd, request, ifr) == 0) return 0;
  *operation = name;
  return errno;
}

int netif_info(const char *ifname, struct netif_info *out, const char **operation) {
  struct ifreq ifr;
  if (strlen(ifname) >= sizeof ifr.ifr_name) {
    *operation = "interface name";
    return ENAMETOOLONG;
  }
  /* Any socket serves for these ioctls; a datagram one needs no privilege. */
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    *operation = "socket";
    return errno;
  }
  memset(&ifr, 0, sizeof ifr);
  strcpy(ifr.ifr_name, ifname);
  int err = query(fd, SIOCGIFINDEX, &ifr, "SIOCGIFINDEX", operation);
  if (!err) out->index = ifr.ifr_ifindex;
  if (!err) err = query(fd, SIOCGIFHWADDR, &ifr, "SIOCGIFHWADDR", operation);
  if (!err) memcpy(out->mac, ifr.ifr_hwaddr.sa_data, 6);
  if (!err) err = query(fd, SIOCGIFFLAGS, &ifr, "SIOCGIFFLAGS", operation);
  if (!err) out->flags = (unsigned short)ifr.ifr_flags;
  if (!err) err = query(fd, SIOCGIFMTU, &ifr, "SIOCGIFMTU", operation);
  if (!err) out->mtu = ifr.ifr_mtu;
  close(fd);
  return err;
}
