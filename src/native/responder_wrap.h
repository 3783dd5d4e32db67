// The JavaScript face of core/responder: a class whose instances own a socket and a thread per CPU.
#ifndef L2_RESPONDER_WRAP_H
#define L2_RESPONDER_WRAP_H

#include <napi.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/responder.h"

class ResponderWrap : public Napi::ObjectWrap<ResponderWrap> {
 public:
  static Napi::Function Define(Napi::Env env);
  // new Responder(ifname: string, onConflict: (frame: Buffer) => void)
  explicit ResponderWrap(const Napi::CallbackInfo &info);
  ~ResponderWrap() override;

 private:
  using Frame = std::vector<uint8_t>;
  static void DeliverConflict(Napi::Env env, Napi::Function onConflict, std::nullptr_t *, Frame *frame);
  using ConflictQueue = Napi::TypedThreadSafeFunction<std::nullptr_t, Frame, DeliverConflict>;
  static bool QueueConflict(void *self, const uint8_t *frame, size_t len);

  struct responder *Open(Napi::Env env);
  void Release();
  Napi::Value Ifindex(const Napi::CallbackInfo &info);
  Napi::Value AddAddress(const Napi::CallbackInfo &info);
  Napi::Value RemoveAddress(const Napi::CallbackInfo &info);
  Napi::Value SetMac(const Napi::CallbackInfo &info);
  Napi::Value Send(const Napi::CallbackInfo &info);
  Napi::Value AddMembership(const Napi::CallbackInfo &info);
  Napi::Value DropMembership(const Napi::CallbackInfo &info);
  Napi::Value Membership(const Napi::CallbackInfo &info, bool add);
  Napi::Value Counters(const Napi::CallbackInfo &info);
  Napi::Value AddressCounters(const Napi::CallbackInfo &info);
  Napi::Value Close(const Napi::CallbackInfo &info);

  std::string ifname_;
  ConflictQueue conflicts_;
  struct responder *responder_ = nullptr;
};

#endif
