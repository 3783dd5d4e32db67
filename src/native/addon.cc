// The module: openResponder's class, openGroupMemberships' class, interfaceInfo and decide.
// src/native/index.ts is the only caller; it turns thrown errors into NativeError.
#include <napi.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <string>

#include "core/addrset.h"
#include "core/netif.h"
#include "core/verdict.h"
#include "errors.h"
#include "groups_wrap.h"
#include "responder_wrap.h"

// interfaceInfo(ifname: string): { index, mac, flags, mtu }
static Napi::Value InterfaceInfo(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  if (!info[0].IsString()) throw ArgumentError(env, "ifname must be a string");
  std::string ifname = info[0].As<Napi::String>().Utf8Value();
  struct netif_info netif;
  const char *operation = "";
  int err = netif_info(ifname.c_str(), &netif, &operation);
  if (err) throw SystemError(env, operation, err, ifname);
  Napi::Object result = Napi::Object::New(env);
  result.Set("index", netif.index);
  result.Set("mac", Napi::Buffer<uint8_t>::Copy(env, netif.mac, 6));
  result.Set("flags", netif.flags);
  result.Set("mtu", netif.mtu);
  return result;
}

static const char *VerdictName(enum l2_verdict verdict) {
  switch (verdict) {
    case L2_REPLY:
      return "reply";
    case L2_CONFLICT:
      return "conflict";
    case L2_IGNORE:
      break;
  }
  return "ignore";
}

// decide(frame: Buffer, mac: Buffer, vlanTagged: boolean, owned: Buffer[]): the verdict of the
// native code on one frame, with a set built from `owned`, for differential tests.
static Napi::Value Decide(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  Napi::Buffer<uint8_t> frame = BufferArgument(info, 0, "frame", 0);
  Napi::Buffer<uint8_t> mac = BufferArgument(info, 1, "mac", 6);
  if (!info[2].IsBoolean()) throw ArgumentError(env, "vlanTagged must be a boolean");
  if (!info[3].IsArray()) throw ArgumentError(env, "owned must be an array of Buffers");
  std::unique_ptr<struct addrset, void (*)(struct addrset *)> owned(addrset_new(), addrset_free);
  if (!owned) throw SystemError(env, "addrset", ENOMEM, "");
  Napi::Array list = info[3].As<Napi::Array>();
  for (uint32_t i = 0; i < list.Length(); i++) {
    Napi::Value ip = list[i];
    if (!ip.IsBuffer()) throw ArgumentError(env, "owned must be an array of Buffers");
    Napi::Buffer<uint8_t> bytes = ip.As<Napi::Buffer<uint8_t>>();
    int result = addrset_add(owned.get(), bytes.Data(), bytes.Length());
    if (result == -EINVAL) throw ArgumentError(env, "owned addresses must be 4 or 16 bytes");
    if (result < 0) throw SystemError(env, "addrset", -result, "");
  }
  struct l2_ctx ctx = {{0}, info[2].As<Napi::Boolean>().Value(), addrset_owns, owned.get()};
  memcpy(ctx.mac, mac.Data(), 6);
  uint8_t reply[L2_REPLY_MAX];
  struct l2_result result = l2_decide(frame.Data(), frame.Length(), &ctx, reply);
  Napi::Object out = Napi::Object::New(env);
  out.Set("verdict", VerdictName(result.verdict));
  out.Set("reason", l2_reason_name(result.reason));
  if (result.verdict == L2_REPLY) out.Set("reply", Napi::Buffer<uint8_t>::Copy(env, reply, result.reply_len));
  return out;
}

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("Responder", ResponderWrap::Define(env));
  exports.Set("GroupMemberships", GroupsWrap::Define(env));
  exports.Set("interfaceInfo", Napi::Function::New<InterfaceInfo>(env, "interfaceInfo"));
  exports.Set("decide", Napi::Function::New<Decide>(env, "decide"));
  return exports;
}

NODE_API_MODULE(l2speaker, Init)
