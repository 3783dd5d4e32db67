# l2speaker image: the native addon built in a build stage, a slim Node.js 24 LTS runtime with
# production dependencies only, running as a non-root user that holds CAP_NET_RAW through a file
# capability on the node binary (Kubernetes sets no ambient capabilities). The build stage compiles
# src/ to dist/ (`npm run build`); the image runs dist/ alone, without Node's type stripper (~18 MB less
# resident per process).
#
#   docker build -t l2speaker:0.1.0 .
#
# test/netns/runtime-stage.test.ts reproduces the runtime stage on the host (same files, the same
# npm ci, the same user and capability, a read-only tree) and checks that it answers ARP.

FROM node:24-bookworm AS build
WORKDIR /src
COPY package.json package-lock.json binding.gyp ./
# No install scripts: the root one builds the addon (below, with this image's headers) and the
# `node` devDependency would fetch a second Node.js; this image's node is the one used.
RUN npm ci --ignore-scripts && rm node_modules/.bin/node
COPY scripts/build-native.js scripts/build-native.js
COPY src/native src/native
# The official image keeps Node's headers under /usr/local/include/node (Debian's under /usr).
RUN L2SPEAKER_NODEDIR=/usr/local node scripts/build-native.js --force
COPY tsconfig.json tsconfig.build.json ./
COPY src src
RUN npm run build

FROM node:24-bookworm-slim AS runtime
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY bin bin
COPY --from=build /src/dist dist
COPY --from=build /src/build/Release/l2speaker.node build/Release/l2speaker.node
# AF_PACKET needs CAP_NET_RAW. A non-root process gets it from the file capability (the pod adds
# NET_RAW to its bounding and permitted sets; without it the exec fails: "operation not permitted").
# The membership process raises itself to SCHED_RR with util-linux chrt, which gets CAP_SYS_NICE the
# same way; without SYS_NICE in the pod chrt cannot start and membership runs at normal priority.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libcap2-bin \
 && setcap cap_net_raw+ep /usr/local/bin/node \
 && setcap cap_sys_nice+ep /usr/bin/chrt \
 && apt-get purge -y --auto-remove libcap2-bin \
 && rm -rf /var/lib/apt/lists/*
USER 65532:65532
EXPOSE 7472/tcp 7946/tcp 7946/udp
ENTRYPOINT ["node", "bin/l2speaker.js"]
