# The worker image, in three stages:
#   build    - every dependency, `npm run build` (dist/: compiled code and the prebuilt workflow bundle)
#   sandbox  - the build stage running the sandbox (sandbox/, TypeScript through tsx): demos and load
#              tests only; docker-compose.yml's sandbox service builds this target
#   runtime  - the default: `npm ci --omit=dev` output and dist/, run by plain node as a non-root
#              user, with tini as PID 1 so SIGTERM reaches node and zombies are reaped
#
#   docker build -t meta-shops-temporal .
#   docker run --env-file worker.env meta-shops-temporal                       # the worker
#   docker run --env-file worker.env meta-shops-temporal node dist/starter.js  # poller and ack batcher
#   docker build --target sandbox -t meta-shops-sandbox .
FROM node:20.20.2-bookworm-slim AS base
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
RUN chown node:node /app
# The official image's unprivileged user (uid 1000); nothing below needs root.
USER node
ENTRYPOINT ["/usr/bin/tini", "--"]

FROM base AS build
# Dependencies first: this layer is rebuilt only when the lockfile changes.
COPY --chown=node:node package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY --chown=node:node . .
RUN npm run build

FROM build AS sandbox
EXPOSE 8787
CMD ["node", "--import", "tsx", "sandbox/main.ts"]

FROM base AS production-dependencies
COPY --chown=node:node package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM base AS runtime
ENV NODE_ENV=production
# Two malloc arenas instead of one per thread: the worker's Rust core and workflow threads otherwise
# keep ~90 MB of fragmented native memory resident (measured with bench/scale.ts).
ENV MALLOC_ARENA_MAX=2
COPY --from=production-dependencies /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --chown=node:node package.json ./
COPY --chown=node:node bin ./bin
# The reference OMS keeps its PGlite database here (OMS_ADAPTER=reference only).
RUN mkdir -p .data/oms
# Prometheus metrics (SDK and ours) on METRICS_PORT, on every interface of the container: it has a
# network of its own, and publishing the port (or not) decides who reaches it. Outside a container
# the default is 127.0.0.1.
ENV METRICS_HOST=0.0.0.0
EXPOSE 9464
# The main thread's heap limit: V8 lets a heap grow up to 4x its live size before collecting when
# the limit is large (Node's default is a share of the machine's memory), by ~1.3x at 256 MB; the
# worker's main thread lives on ~50-70 MB (measured with bench/scale.ts). The workflow thread's
# heap is WORKFLOW_HEAP_MB.
CMD ["node", "--max-old-space-size=256", "dist/worker.js"]
