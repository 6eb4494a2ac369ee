# Gridpulse in one image: the frontend built with Node, the binary with Go
# (the page embedded in it), run on Debian slim. The image talks to a
# ClickHouse server (see docker-compose.yml), so it is built with
# -tags nochdb: no embedded engine, no 560 MB library.

FROM node:22-bookworm-slim AS frontend
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

FROM golang:1.26-bookworm AS binary
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
COPY --from=frontend /src/frontend/dist ./frontend/dist
RUN CGO_ENABLED=0 go build -tags nochdb -trimpath -o /out/gridpulse ./cmd/gridpulse

FROM debian:bookworm-slim
RUN apt-get update \
	&& apt-get install -y --no-install-recommends ca-certificates curl \
	&& rm -rf /var/lib/apt/lists/* \
	&& useradd --system --home /var/lib/gridpulse --create-home gridpulse \
	&& install -d -o gridpulse -g gridpulse /var/lib/gridpulse/data
COPY --from=binary /out/gridpulse /usr/local/bin/gridpulse
COPY --chmod=0755 deploy/entrypoint.sh /usr/local/bin/gridpulse-entrypoint
USER gridpulse
ENV GRIDPULSE_ADDR=0.0.0.0:8080 GRIDPULSE_DATA=/var/lib/gridpulse/data GRIDPULSE_PRESET=shuangliu
VOLUME /var/lib/gridpulse/data
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s CMD curl -fsS -o /dev/null http://127.0.0.1:8080/healthz || exit 1
# Seeds the district on the first start, then runs `gridpulse serve` with
# the command's arguments (none by default; the compose file adds the
# simulator). Without a DSN the server refuses to start: set
# GRIDPULSE_CLICKHOUSE_DSN.
ENTRYPOINT ["gridpulse-entrypoint"]
