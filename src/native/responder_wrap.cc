#include "responder_wrap.h"

#include <cerrno>
#include <cstdlib>
#include <memory>

#include "errors.h"

// Conflicts are rare; a full queue means JavaScript is far behind, and the drop is counted.
static const size_t kConflictQueueSize = 256;

Napi::Function ResponderWrap::Define(Napi::Env env) {
  return DefineClass(env, "Responder",
                     {
                         InstanceMethod<&ResponderWrap::Ifindex>("ifindex"),
                         InstanceMethod<&ResponderWrap::AddAddress>("addAddress"),
                         InstanceMethod<&ResponderWrap::RemoveAddress>("removeAddress"),
                         InstanceMethod<&ResponderWrap::SetMac>("setMac"),
                         InstanceMethod<&ResponderWrap::Send>("send"),
                         InstanceMethod<&ResponderWrap::AddMembership>("addMembership"),
                         InstanceMethod<&ResponderWrap::DropMembership>("dropMembership"),
                         InstanceMethod<&ResponderWrap::Counters>("counters"),
                         InstanceMethod<&ResponderWrap::AddressCounters>("addressCounters"),
                         InstanceMethod<&ResponderWrap::Close>("close"),
                     });
}

ResponderWrap::ResponderWrap(const Napi::CallbackInfo &info) : Napi::ObjectWrap<ResponderWrap>(info) {
  Napi::Env env = info.Env();
  if (!info[0].IsString()) throw ArgumentError(env, "ifname must be a string");
  if (!info[1].IsFunction()) throw ArgumentError(env, "onConflict must be a function");
  ifname_ = info[0].As<Napi::String>().Utf8Value();
  // Kept referenced: an open responder keeps the daemon alive until close() releases it.
  conflicts_ = ConflictQueue::New(env, info[1].As<Napi::Function>(), "l2speaker conflicts", kConflictQueueSize, 1);
  struct responder_error error = {nullptr, 0};
  responder_ = responder_open(ifname_.c_str(), QueueConflict, this, &error);
  if (responder_ == nullptr) {
    conflicts_.Release();
    throw SystemError(env, error.operation, error.code, ifname_);
  }
  // Like a Node handle, an open responder lives until close(), referenced or not: dropping the last
  // reference must not silently stop the answers.
  Ref();
}

ResponderWrap::~ResponderWrap() { Release(); }

void ResponderWrap::DeliverConflict(Napi::Env env, Napi::Function onConflict, std::nullptr_t *, Frame *frame) {
  std::unique_ptr<Frame> owned(frame);
  // env is null when the queue is torn down with frames still in it: they are only freed.
  if (env == nullptr) return;
  onConflict.Call({Napi::Buffer<uint8_t>::Copy(env, owned->data(), owned->size())});
}

// Runs on the responder thread: never blocks it; false tells it to count the frame as dropped.
bool ResponderWrap::QueueConflict(void *self, const uint8_t *frame, size_t len) {
  auto *wrap = static_cast<ResponderWrap *>(self);
  auto *copy = new Frame(frame, frame + len);
  if (wrap->conflicts_.NonBlockingCall(copy) == napi_ok) return true;
  delete copy;
  return false;
}

struct responder *ResponderWrap::Open(Napi::Env env) {
  if (responder_ == nullptr) throw SystemError(env, "use after close", EBADF, ifname_);
  return responder_;
}

void ResponderWrap::Release() {
  if (responder_ == nullptr) return;
  // The thread is joined first, so nothing queues a conflict after the queue is released.
  responder_close(responder_);
  responder_ = nullptr;
  conflicts_.Release();
}

Napi::Value ResponderWrap::Ifindex(const Napi::CallbackInfo &info) {
  return Napi::Number::New(info.Env(), responder_ifindex(Open(info.Env())));
}

Napi::Value ResponderWrap::AddAddress(const Napi::CallbackInfo &info) {
  struct responder *r = Open(info.Env());
  Napi::Buffer<uint8_t> ip = BufferArgument(info, 0, "ip", 4, 16);
  int result = responder_add_address(r, ip.Data(), ip.Length());
  if (result < 0) throw SystemError(info.Env(), "addAddress", -result, ifname_);
  return info.Env().Undefined();
}

Napi::Value ResponderWrap::RemoveAddress(const Napi::CallbackInfo &info) {
  struct responder *r = Open(info.Env());
  Napi::Buffer<uint8_t> ip = BufferArgument(info, 0, "ip", 4, 16);
  int result = responder_remove_address(r, ip.Data(), ip.Length());
  if (result < 0) throw SystemError(info.Env(), "removeAddress", -result, ifname_);
  return info.Env().Undefined();
}

Napi::Value ResponderWrap::SetMac(const Napi::CallbackInfo &info) {
  struct responder *r = Open(info.Env());
  responder_set_mac(r, BufferArgument(info, 0, "mac", 6).Data());
  return info.Env().Undefined();
}

Napi::Value ResponderWrap::Send(const Napi::CallbackInfo &info) {
  struct responder *r = Open(info.Env());
  Napi::Buffer<uint8_t> frame = BufferArgument(info, 0, "frame", 0);
  int err = responder_send(r, frame.Data(), frame.Length());
  if (err) throw SystemError(info.Env(), "sendto", err, ifname_);
  return info.Env().Undefined();
}

Napi::Value ResponderWrap::Membership(const Napi::CallbackInfo &info, bool add) {
  struct responder *r = Open(info.Env());
  int err = responder_membership(r, BufferArgument(info, 0, "mac", 6).Data(), add);
  if (err) throw SystemError(info.Env(), add ? "PACKET_ADD_MEMBERSHIP" : "PACKET_DROP_MEMBERSHIP", err, ifname_);
  return info.Env().Undefined();
}

Napi::Value ResponderWrap::AddMembership(const Napi::CallbackInfo &info) { return Membership(info, true); }

Napi::Value ResponderWrap::DropMembership(const Napi::CallbackInfo &info) { return Membership(info, false); }

Napi::Value ResponderWrap::Counters(const Napi::CallbackInfo &info) {
  uint64_t values[RC_COUNT];
  responder_counters(Open(info.Env()), values);
  Napi::Object counters = Napi::Object::New(info.Env());
  for (unsigned i = 0; i < RC_COUNT; i++) counters.Set(responder_counter_name(i), static_cast<double>(values[i]));
  return counters;
}

Napi::Value ResponderWrap::AddressCounters(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  size_t count = 0;
  std::unique_ptr<struct addrset_entry, decltype(&free)> entries(responder_address_counters(Open(env), &count), free);
  if (!entries) throw SystemError(env, "addressCounters", ENOMEM, ifname_);
  Napi::Array result = Napi::Array::New(env, count);
  for (size_t i = 0; i < count; i++) {
    const struct addrset_entry &entry = entries.get()[i];
    Napi::Object item = Napi::Object::New(env);
    item.Set("ip", Napi::Buffer<uint8_t>::Copy(env, entry.ip, entry.len));
    item.Set("requests", static_cast<double>(entry.requests));
    item.Set("responses", static_cast<double>(entry.responses));
    result.Set(static_cast<uint32_t>(i), item);
  }
  return result;
}

Napi::Value ResponderWrap::Close(const Napi::CallbackInfo &info) {
  if (responder_ != nullptr) Unref();
  Release();
  return info.Env().Undefined();
}
