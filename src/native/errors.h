// The one shape of error the addon throws; src/native/errors.ts turns it into a NativeError.
#ifndef L2_ERRORS_H
#define L2_ERRORS_H

#include <napi.h>

#include <string>

// An Error with `operation`, `errno` (the number) and `ifname` ("" when no interface applies).
Napi::Error SystemError(Napi::Env env, const std::string &operation, int code, const std::string &ifname);

// A TypeError for an argument of the wrong shape.
Napi::TypeError ArgumentError(Napi::Env env, const std::string &what);

// The bytes of a Buffer argument of exactly one of the allowed lengths (a TypeError otherwise).
Napi::Buffer<uint8_t> BufferArgument(const Napi::CallbackInfo &info, size_t index, const char *name,
                                     size_t length, size_t other_length = 0);

#endif
