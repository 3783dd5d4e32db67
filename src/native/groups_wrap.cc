#include "groups_wrap.h"

#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "errors.h"

// Well below what the default optmem_max allows per socket; ENOBUFS still moves on to a new one.
static const size_t kGroupsPerSocket = 128;

Napi::Function GroupsWrap::Define(Napi::Env env) {
  return DefineClass(env, "GroupMemberships",
                     {
                         InstanceMethod<&GroupsWrap::Join>("join"),
                         InstanceMethod<&GroupsWrap::Leave>("leave"),
                         InstanceMethod<&GroupsWrap::Close>("close"),
                     });
}

// Kept until close(), referenced or not, so that the garbage collector never leaves groups.
GroupsWrap::GroupsWrap(const Napi::CallbackInfo &info) : Napi::ObjectWrap<GroupsWrap>(info) { Ref(); }

GroupsWrap::~GroupsWrap() { CloseAll(); }

static unsigned IfindexArgument(const Napi::CallbackInfo &info) {
  Napi::Value value = info[0];
  if (value.IsNumber()) {
    double number = value.As<Napi::Number>().DoubleValue();
    if (number >= 1 && number <= 0x7fffffff && number == static_cast<unsigned>(number))
      return static_cast<unsigned>(number);
  }
  throw ArgumentError(info.Env(), "ifindex must be a positive integer");
}

// The interface's name for error messages ("ifindex N" when it is gone).
static std::string InterfaceName(unsigned ifindex) {
  char name[IF_NAMESIZE];
  return if_indextoname(ifindex, name) ? std::string(name) : "ifindex " + std::to_string(ifindex);
}

static int SetMembership(int fd, unsigned ifindex, const uint8_t *group, bool join) {
  struct ipv6_mreq mreq;
  memcpy(&mreq.ipv6mr_multiaddr, group, 16);
  mreq.ipv6mr_interface = ifindex;
  int name = join ? IPV6_JOIN_GROUP : IPV6_LEAVE_GROUP;
  return setsockopt(fd, IPPROTO_IPV6, name, &mreq, sizeof mreq) < 0 ? errno : 0;
}

size_t GroupsWrap::SocketWithRoom(Napi::Env env) {
  for (size_t i = 0; i < sockets_.size(); i++)
    if (!sockets_[i].full && sockets_[i].groups < kGroupsPerSocket) return i;
  int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw SystemError(env, "socket(AF_INET6)", errno, "");
  sockets_.push_back({fd, 0, false});
  return sockets_.size() - 1;
}

Napi::Value GroupsWrap::Join(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  if (closed_) throw SystemError(env, "use after close", EBADF, "");
  unsigned ifindex = IfindexArgument(info);
  Napi::Buffer<uint8_t> group = BufferArgument(info, 1, "group", 16);
  std::string key = std::to_string(ifindex) + ":" + std::string(reinterpret_cast<char *>(group.Data()), 16);
  auto found = memberships_.find(key);
  if (found != memberships_.end()) {
    found->second.joins++;
    return env.Undefined();
  }
  for (;;) {
    size_t index = SocketWithRoom(env);
    Socket &socket = sockets_[index];
    int err = SetMembership(socket.fd, ifindex, group.Data(), true);
    if (err == 0) {
      socket.groups++;
      memberships_[key] = {index, 1};
      return env.Undefined();
    }
    // A socket already holding groups has spent its option memory: try the next (a new one last).
    // ENOBUFS on an empty socket is a real shortage, reported below.
    if (err != ENOBUFS || socket.groups == 0) throw SystemError(env, "IPV6_JOIN_GROUP", err, InterfaceName(ifindex));
    socket.full = true;
  }
}

Napi::Value GroupsWrap::Leave(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  if (closed_) throw SystemError(env, "use after close", EBADF, "");
  unsigned ifindex = IfindexArgument(info);
  Napi::Buffer<uint8_t> group = BufferArgument(info, 1, "group", 16);
  std::string key = std::to_string(ifindex) + ":" + std::string(reinterpret_cast<char *>(group.Data()), 16);
  auto found = memberships_.find(key);
  // Leaving a group never joined is the caller's bug; the kernel says EADDRNOTAVAIL for it too.
  if (found == memberships_.end()) throw SystemError(env, "IPV6_LEAVE_GROUP", EADDRNOTAVAIL, InterfaceName(ifindex));
  if (--found->second.joins > 0) return env.Undefined();
  Socket &socket = sockets_[found->second.socket];
  memberships_.erase(found);
  socket.groups--;
  socket.full = false;
  int err = SetMembership(socket.fd, ifindex, group.Data(), false);
  if (err) throw SystemError(env, "IPV6_LEAVE_GROUP", err, InterfaceName(ifindex));
  return env.Undefined();
}

void GroupsWrap::CloseAll() {
  // Closing a socket leaves all of its groups.
  for (const Socket &socket : sockets_) close(socket.fd);
  sockets_.clear();
  memberships_.clear();
  closed_ = true;
}

Napi::Value GroupsWrap::Close(const Napi::CallbackInfo &info) {
  if (!closed_) Unref();
  CloseAll();
  return info.Env().Undefined();
}
