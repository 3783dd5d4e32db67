// IP-layer memberships of IPv6 multicast groups (solicited-node groups), so that the kernel sends
// MLD reports and snooping switches deliver neighbour solicitations for the addresses we answer.
#ifndef L2_GROUPS_WRAP_H
#define L2_GROUPS_WRAP_H

#include <napi.h>

#include <map>
#include <string>
#include <vector>

class GroupsWrap : public Napi::ObjectWrap<GroupsWrap> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit GroupsWrap(const Napi::CallbackInfo &info);
  ~GroupsWrap() override;

 private:
  // The kernel charges each membership to its socket's option memory (net.core.optmem_max) and
  // answers ENOBUFS when it is spent, so memberships are spread over a pool of sockets.
  struct Socket {
    int fd;
    size_t groups;
    bool full;  // ENOBUFS seen: take no more until one leaves
  };
  struct Membership {
    size_t socket;  // index in sockets_
    unsigned joins;  // join() calls not yet matched by leave()
  };

  Napi::Value Join(const Napi::CallbackInfo &info);
  Napi::Value Leave(const Napi::CallbackInfo &info);
  Napi::Value Close(const Napi::CallbackInfo &info);
  void CloseAll();
  size_t SocketWithRoom(Napi::Env env);

  std::vector<Socket> sockets_;
  std::map<std::string, Membership> memberships_;  // key: ifindex and group bytes
  bool closed_ = false;
};

#endif
