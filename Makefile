# Gridpulse: `make run` builds everything, seeds the district if absent and
# serves it; `make test` runs every test. Both install what is missing:
# Go modules, the frontend's npm packages and, for the browser test when
# run as root on Debian/Ubuntu, Chromium and a CJK font.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

ADDR ?= 127.0.0.1:8080
DATA ?= data
PRESET ?= shuangliu
# Before the first start make run writes a year of history into ClickHouse
# for the weather map and the trend panels (about ten minutes, once;
# HISTORY= skips it). Its open orders are restored onto the live map; with
# no history the simulator's warm-up gives the map its backlog instead.
HISTORY ?= 365d
SIM_WARMUP := $(if $(HISTORY),0s,72h)
# make run drives the district with the simulator; SERVE_FLAGS= turns it off.
SERVE_FLAGS ?= --simulate --sim-warmup $(SIM_WARMUP)
# Who may sign in: the demo users by default; ACCESS="--users users.yaml" for real ones.
ACCESS ?= --demo
CHROMIUM_PATH ?= /usr/bin/chromium
# The race detector needs cgo and a C compiler; without them the tests run
# without it.
GO_RACE := $(shell [ "$$(go env CGO_ENABLED 2>/dev/null)" = 1 ] && command -v "$$(go env CC)" >/dev/null 2>&1 && echo -race)
GO_TEST_FLAGS ?= -timeout 20m $(GO_RACE)
BENCH_FLAGS ?= -benchtime 1s -count 1

BIN := bin/gridpulse
FRONTEND_DEPS := frontend/node_modules/.package-lock.json
FRONTEND_DIST := frontend/dist/index.html
FRONTEND_SRC := $(shell find frontend/src frontend/public -type f 2>/dev/null) \
	frontend/index.html frontend/vite.config.ts frontend/tsconfig.json frontend/package.json

export CHROMIUM_PATH

.PHONY: help run build frontend test test-go test-node bench browser-deps go-deps chdb clean

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

run: build ## build, seed $(DATA)/areas with the $(PRESET) preset and $(HISTORY) of history if empty, serve on $(ADDR) with the simulator
	@if ! compgen -G '$(DATA)/areas/*.geojson' >/dev/null; then \
		echo "seeding $(DATA)/areas with the $(PRESET) preset"; \
		$(BIN) seed --preset $(PRESET) --out $(DATA)/areas; \
	fi
	@if [ -n "$(HISTORY)" ] && [ ! -d '$(DATA)/clickhouse' ]; then \
		echo "writing $(HISTORY) of history into $(DATA)/clickhouse (once; make run HISTORY= skips it)"; \
		$(BIN) seed --data $(DATA) --history $(HISTORY); \
	fi
	$(BIN) serve --addr $(ADDR) --data $(DATA) $(ACCESS) $(SERVE_FLAGS)

build: $(FRONTEND_DIST) go-deps chdb ## build the frontend and bin/gridpulse
	go build -o $(BIN) ./cmd/gridpulse

frontend: $(FRONTEND_DIST) ## build the frontend into frontend/dist

# npm ci writes node_modules/.package-lock.json, so it reruns only when the
# lock file changes.
$(FRONTEND_DEPS): frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund

# go:embed needs frontend/dist before any Go package that embeds it builds.
$(FRONTEND_DIST): $(FRONTEND_DEPS) $(FRONTEND_SRC)
	cd frontend && npm run build

go-deps:
	go mod download

# The embedded ClickHouse engine: chDB's libchdb.so (about 560 MB) from the
# npm package pinned, with its integrity hash, by
# analytics/libchdb/package-lock.json, linked into lib/ (gitignored). The
# binary finds lib/ beside itself or in the working directory; the tests find
# it through GRIDPULSE_CHDB_LIB. Other platforms get their package by
# version; where chDB has none, build with -tags nochdb and use a server.
CHDB_LIB := lib/libchdb.so
CHDB_VERSION := $(shell sed -n 's/.*"@chdb\/lib-linux-x64-gnu": "\(.*\)".*/\1/p' analytics/libchdb/package.json)
export GRIDPULSE_CHDB_LIB ?= $(CURDIR)/$(CHDB_LIB)

chdb: $(CHDB_LIB) ## fetch the embedded ClickHouse engine (libchdb.so) into lib/

$(CHDB_LIB): analytics/libchdb/package-lock.json
	@mkdir -p lib
	@case "$$(uname -s)/$$(uname -m)" in \
	Linux/x86_64) \
		(cd analytics/libchdb && npm ci --no-audit --no-fund); \
		src=analytics/libchdb/node_modules/@chdb/lib-linux-x64-gnu/libchdb.so ;; \
	Darwin/arm64) \
		(cd analytics/libchdb && npm install --no-save --no-package-lock --no-audit --no-fund @chdb/lib-darwin-arm64@$(CHDB_VERSION)); \
		src=analytics/libchdb/node_modules/@chdb/lib-darwin-arm64/libchdb.so ;; \
	*) \
		echo "chDB ships no engine for $$(uname -s)/$$(uname -m): build with -tags nochdb and set GRIDPULSE_CLICKHOUSE_DSN" >&2; \
		exit 1 ;; \
	esac; \
	ln -f "$$src" $@ 2>/dev/null || cp "$$src" $@
	@touch $@

test: test-go test-node ## every test: go vet and the Go tests, then the node tests

test-go: build chdb ## go vet and the Go tests (with -race when cgo is available)
	@[ -n '$(GO_RACE)' ] || echo "note: no C compiler for cgo, so the Go tests run without -race" >&2
	go vet ./...
	go test $(GO_TEST_FLAGS) ./...

# The node tests run against the built binary and freshly seeded presets.
test-node: browser-deps build ## the GeoJSON validator and browser tests
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(BIN) seed --preset tiny --out "$$tmp/tiny/areas" >/dev/null; \
	$(BIN) seed --preset shuangliu --out "$$tmp/shuangliu/areas" >/dev/null; \
	cd frontend && GRIDPULSE_BIN="$(CURDIR)/$(BIN)" GRIDPULSE_TEST_TINY="$$tmp/tiny" \
		GRIDPULSE_TEST_SHUANGLIU="$$tmp/shuangliu" node --test --test-reporter=tap tests/*.test.mjs

# Chromium and a CJK font for the browser test; installed with apt when
# run as root and missing.
browser-deps:
	@if [ -x '$(CHROMIUM_PATH)' ] && fc-list :lang=zh 2>/dev/null | grep -q .; then \
		:; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing chromium and fonts-wqy-microhei"; \
		apt-get update -qq; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; \
	else \
		echo "the browser test needs $(CHROMIUM_PATH) and a CJK font: apt-get install chromium fonts-wqy-microhei (as root)" >&2; \
		exit 1; \
	fi

bench: $(FRONTEND_DIST) ## the Go benchmarks of geo, geo/tile and seed
	go test -run '^$$' -bench . -benchmem $(BENCH_FLAGS) ./geo/... ./seed/...

clean: ## remove build output (not the data directory)
	rm -rf bin build frontend/dist
