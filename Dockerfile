# syntax=docker/dockerfile:1
#
# Twiga-TS: one image holding the built workspace with production dependencies only.
#   server (default):  docker run -p 8000:8000 -v twiga-checkpoints:/data/checkpoints twiga
#   train once:        docker run --rm -v twiga-checkpoints:/data/checkpoints twiga node apps/runner/dist/cli.js train
# docker-compose.yml wires both (`docker compose up -d server`, `docker compose run --rm train`).
#
# The runtime layout mirrors the repository (apps/*/dist, packages/*/dist, data/), so every relative path
# the code resolves (the CLI's bundled data at apps/runner/dist/../../../data, the server entry the CLI
# spawns) is the same inside the image as in a checkout. Workspace packages resolve to their `dist`: plain
# `node` does not set the `source` export condition, so `exports` falls through to `default`.

# Pinned to a patch release; bump deliberately (engines: node >= 20.19).
ARG NODE_IMAGE=node:20.19.5-bookworm-slim

# ---------------------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# onnxruntime-node's postinstall would download extra (GPU) binaries; the CPU ones ship in the package.
# pnpm-workspace.yaml `allowBuilds` already denies it; this is the package's own switch, belt and braces.
ENV ONNXRUNTIME_NODE_INSTALL=skip \
    CI=true

COPY . .

# Full install (tsc lives in the root devDependencies) and build of every workspace project; then a clean
# install with --prod into fresh node_modules (pnpm 12's `install --prod` over a full install unlinks the
# devDependencies but leaves them in node_modules/.pnpm). `npx` puts its pnpm on PATH for the nested
# `pnpm -r run build` of the root `build` script. The store is a cache mount, so it is not in any layer.
RUN --mount=type=cache,id=twiga-npm,target=/root/.npm \
    --mount=type=cache,id=twiga-pnpm-store,target=/pnpm/store \
    npx -y pnpm@12.4.2 install --frozen-lockfile --store-dir /pnpm/store \
 && npx -y pnpm@12.4.2 build \
 && rm -rf node_modules packages/*/node_modules apps/*/node_modules \
 && npx -y pnpm@12.4.2 install --frozen-lockfile --prod --offline --store-dir /pnpm/store

# Assemble the runtime tree in /out: per workspace project only package.json, dist and node_modules
# (its links to workspace siblings and third-party packages); the root node_modules holds the store
# those links point into. No sources, tests or devDependencies. `cp -a` keeps the relative symlinks.
# onnxruntime-node ships CPU binaries for every OS and CPU (~200 MB): keep only this platform's. Files become
# world-readable (the runtime user is not root). Last, both entry points run `--help` from /out, which loads
# their whole module graphs (the ONNX Runtime binding included), so a pruning or linking mistake fails the
# build instead of the container.
RUN set -eu; \
    mkdir -p /out; \
    cp -a package.json pnpm-workspace.yaml node_modules data /out/; \
    for dir in packages/* apps/*; do \
      [ -f "$dir/package.json" ] || continue; \
      mkdir -p "/out/$dir"; \
      cp -a "$dir/package.json" "/out/$dir/"; \
      if [ -d "$dir/dist" ]; then cp -a "$dir/dist" "/out/$dir/"; fi; \
      if [ -d "$dir/node_modules" ]; then cp -a "$dir/node_modules" "/out/$dir/"; fi; \
    done; \
    keep="$(node -p 'process.platform + "/" + process.arch')"; \
    for bin in /out/node_modules/.pnpm/onnxruntime-node@*/node_modules/onnxruntime-node/bin/napi-v*/*/*; do \
      case "$bin" in */"$keep") ;; *) rm -rf "$bin" ;; esac; \
    done; \
    chmod -R a+rX /out; \
    test -f /out/data/vic_elec.csv; \
    cd /out; \
    node apps/server/dist/main.js --help > /dev/null; \
    node apps/runner/dist/cli.js --help > /dev/null

# ---------------------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    ONNXRUNTIME_NODE_INSTALL=skip \
    TWIGA_SERVE_HOST=0.0.0.0 \
    TWIGA_SERVE_PORT=8000 \
    TWIGA_MODEL_CHECKPOINT_DIR=/data/checkpoints \
    TWIGA_SERVE_REPORT_DIR=/data/reports
WORKDIR /app

# The checkpoint directory belongs to the unprivileged user before it becomes a volume, so a fresh named
# volume is created writable by it (Docker copies the image's ownership into an empty named volume).
RUN mkdir -p /data/checkpoints /data/reports && chown -R node:node /data

# Owned by root and read-only for `node`: the app never writes into its own tree.
COPY --from=build /out /app

USER node
EXPOSE 8000
VOLUME /data/checkpoints

# /health answers 200 (`ok`, or `degraded` while no checkpoint is loaded) whenever the process serves.
# Slim images have no curl: node's global fetch does the probe.
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.TWIGA_SERVE_PORT||8000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]

# The server handles SIGTERM itself (drains in-flight requests, exits 0). The CLI is the same image:
#   node apps/runner/dist/cli.js train|checkpoints list|checkpoints rollback --to N
CMD ["node", "apps/server/dist/main.js"]
