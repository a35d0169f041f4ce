# syntax=docker/dockerfile:1
# taskmock as a container: build the single executable, ship only it.
#
#   docker build -t taskmock .
#   docker run --rm -p 8700:8700 -e API_KEYS=change-me -v taskmock-data:/data taskmock
#
# Stage 1: the official Bun image, the same Bun as the pinned `bun` devDependency. `bun install
# --frozen-lockfile` reads package-lock.json (checked with Bun 1.4.5: the same versions as `npm ci`)
# and fails rather than re-resolve, so the image is built from exactly what CI tested.
FROM oven/bun:1.4.5 AS build
WORKDIR /src
COPY package.json package-lock.json ./
# swagger-ui-dist depends on @scarf/scarf, whose install script reports the install over the network.
ENV SCARF_ANALYTICS=false
RUN bun install --frozen-lockfile
COPY tsconfig.json bunfig.toml ./
COPY src ./src
COPY scripts ./scripts
# `bun run build` writes dist/taskmock and runs it once (--version) before it counts.
RUN bun run build \
 && mkdir -p /out/data \
 && cp dist/taskmock /out/taskmock

# Stage 2: glibc (the only library the executable links: libc, libpthread, libdl, libm),
# no shell, no package manager, running as the image's non-root user (uid/gid 65532).
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /out/taskmock /app/taskmock
# The volume's mount point must exist and belong to the runtime user before the volume is created.
COPY --from=build --chown=65532:65532 /out/data /data
ENV HOST=0.0.0.0 \
    PORT=8700 \
    DATABASE_PATH=/data/taskmock.sqlite \
    LOG_FORMAT=json
USER 65532:65532
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8700
# `taskmock healthcheck` reads PORT/HOST like the server and exits 0 when GET /health answers.
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 CMD ["/app/taskmock", "healthcheck"]
# Exec form: taskmock is PID 1 and receives SIGTERM itself (it closes sockets with 1001, closes
# the database and exits 0). Bun handles the signal; no init process is needed.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/app/taskmock"]
CMD ["serve"]
