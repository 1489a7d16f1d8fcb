# Trellis: the sync server (bundled by esbuild into dist/server) serving the built client.
# Build: docker build -t trellis .
# Run:   docker run -d --name trellis --stop-timeout 30 -p 1234:1234 -v trellis-data:/data \
#          -e AUTH_SECRET=<32+ random characters> -e PUBLIC_URL=https://trellis.example.org trellis
# --stop-timeout must exceed --shutdown-timeout-ms (10 s): Docker's default 10 s could SIGKILL a
# server still storing documents. More in docs/deploying.md.

FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build

FROM node:20-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=1234 \
    DATA_DIR=/data \
    STATIC_DIR=/app/dist/client \
    PRETTY_LOGS=false
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY bin ./bin
# `trellis-server` on the PATH, so `docker exec <container> trellis-server list` works.
RUN chmod +x bin/trellis-server.js && ln -s /app/bin/trellis-server.js /usr/local/bin/trellis-server
# The image's `node` user owns the data volume; the server never runs as root.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 1234
HEALTHCHECK --interval=30s --timeout=3s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||1234)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# SIGTERM stores every document before exiting (see sync-server/start.ts).
STOPSIGNAL SIGTERM
CMD ["node", "bin/trellis-server.js", "start"]
