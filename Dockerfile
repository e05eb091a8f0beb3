# The worker image (also runs the starter and the sandbox, sandbox/: same image, another npm script).
#   docker build -t meta-shops-temporal .
#   docker run --env-file worker.env meta-shops-temporal            # npm run worker
#   docker run --env-file worker.env meta-shops-temporal npm run starter
# TypeScript runs through tsx (a runtime dependency), so there is no build step.
FROM node:20.20.2-bookworm-slim

WORKDIR /app
RUN chown node:node /app
# The official image's unprivileged user (uid 1000); nothing below needs root.
USER node

# Dependencies first: this layer is rebuilt only when the lockfile changes.
COPY --chown=node:node package.json package-lock.json ./
# `npm install`, not `npm ci`: some registries lack optional platform builds of @swc/core that the
# lockfile would then be missing, and `npm ci` refuses that; `npm install` still follows the lockfile.
RUN npm install --no-audit --no-fund && npm cache clean --force

# Everything .dockerignore lets through: src/ and sandbox/ (npm run sandbox) among it.
COPY --chown=node:node . .
# The reference OMS keeps its PGlite database here (OMS_ADAPTER=reference only).
RUN mkdir -p .data/oms

# Prometheus metrics (SDK and ours) on METRICS_PORT.
EXPOSE 9464
CMD ["npm", "run", "worker"]
