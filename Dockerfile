# syntax=docker/dockerfile:1
# crm-bridge's production image: built on the Active LTS Node line (26 since October 2026; the
# code needs >= 20.19 and CI runs it on 20, so NODE_MAJOR=24 or 22 also works). Two stages: the
# build stage compiles TypeScript with the dev dependencies; the runtime stage holds only the
# production dependencies, dist/, config/ and templates/, and runs as the unprivileged `node` user.
ARG NODE_MAJOR=26

FROM node:${NODE_MAJOR}-trixie-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would run the build before the sources are here.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:${NODE_MAJOR}-trixie-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0 \
    CONFIG_DIR=/app/config \
    DATA_DIR=/data
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only. --ignore-scripts skips `prepare` (no TypeScript here) and the
# optional native msgpackr-extract build (its prebuilt binary loads at run time, or bull falls
# back to plain JavaScript).
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY config ./config
COPY templates ./templates
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
# The first SIGTERM drains HTTP and the outcome-email workers (see "Run in production"); give the
# container stop_grace_period >= 25 s.
STOPSIGNAL SIGTERM
# No curl in the slim image: Node's own fetch asks /healthz.
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/main.js"]
