{
  "targets": [
    {
      "target_name": "l2speaker",
      "sources": [
        "src/native/addon.cc",
        "src/native/errors.cc",
        "src/native/groups_wrap.cc",
        "src/native/responder_wrap.cc",
        "src/native/core/addrset.c",
        "src/native/core/netif.c",
        "src/native/core/responder.c",
        "src/native/core/verdict.c",
        "src/native/core/worker.c"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "_GNU_SOURCE"],
      "cflags": ["-Wall", "-Wextra", "-Werror", "-fvisibility=hidden"],
      "cflags_c": ["-std=c11"],
      "cflags_cc": ["-std=c++17", "-fexceptions"],
      "cflags_cc!": ["-fno-exceptions"]
    }
  ]
}
