# Multi-stage build of app-server on Debian 12 (the same packages as scripts/setup.sh). bubblewrap
# is the sandbox of sandboxed threads' commands (a container needs user namespaces for it, or
# sandboxed commands fail closed: docs/security.md).
# There is no Docker engine on the development machines, so CI does not build this image.
FROM debian:bookworm AS build
COPY scripts/setup.sh /src/scripts/setup.sh
RUN /src/scripts/setup.sh
COPY . /src
RUN cmake -S /src -B /build -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF \
 && cmake --build /build --target app-server

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends libspdlog1.10 libfmt9 \
      libssl3 libnettle8 libtomlplusplus3 libsqlite3-0 libboost-url1.81.0 ca-certificates bubblewrap \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home app
COPY --from=build /build/server/app-server /usr/local/bin/app-server
USER app
ENV APP_SERVER_HOME=/home/app/.app-server
EXPOSE 4500
# stdio by default; for remote UIs: --listen ws://0.0.0.0:4500 --ws-auth capability-token --ws-token-file …
ENTRYPOINT ["app-server"]
