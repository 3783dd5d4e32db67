#include "errors.h"

#include <cstring>

Napi::Error SystemError(Napi::Env env, const std::string &operation, int code, const std::string &ifname) {
  std::string message = operation + " failed";
  if (!ifname.empty()) message += " on interface " + ifname;
  message += ": " + std::string(strerror(code));
  Napi::Error error = Napi::Error::New(env, message);
  error.Value().Set("operation", operation);
  error.Value().Set("errno", code);
  error.Value().Set("ifname", ifname);
  return error;
}

Napi::TypeError ArgumentError(Napi::Env env, const std::string &what) { return Napi::TypeError::New(env, what); }

Napi::Buffer<uint8_t> BufferArgument(const Napi::CallbackInfo &info, size_t index, const char *name,
                                     size_t length, size_t other_length) {
  Napi::Value value = info[index];
  if (value.IsBuffer()) {
    Napi::Buffer<uint8_t> buffer = value.As<Napi::Buffer<uint8_t>>();
    if (length == 0 || buffer.Length() == length || (other_length && buffer.Length() == other_length))
      return buffer;
  }
  std::string expected = length == 0 ? "a Buffer" : "a Buffer of " + std::to_string(length);
  if (other_length) expected += " or " + std::to_string(other_length);
  if (length) expected += " bytes";
  throw ArgumentError(info.Env(), std::string(name) + " must be " + expected);
}
