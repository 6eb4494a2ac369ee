#!/usr/bin/env bash
# A bounded soak: gridpulse serve with its simulator at a speed-up, plus the
# load test's WebSocket clients and a steady trickle of its own events, for a
# set time. The load test samples the server's resident memory and goroutines
# (/metrics) every EVERY, prints them as a table and judges their growth from
# the first quarter of the run to the last; its exactly-once check covers the
# whole run. Everything stays on loopback and stops by itself.
#
#   make build && scripts/soak.sh                 # 10 minutes, a sample every 30 s
#   DURATION=15m ADDR=127.0.0.1:18790 scripts/soak.sh
#
# Settings, from the environment:
#   DURATION   measured time, after the warm-up (default 10m, at most 12h)
#   WARMUP     load before the measured time (default 2m): the load test's 300 open
#              orders and 100 active alarms fill up in it, so what grows after is
#              the server's own
#   EVERY      time between samples (default 30s; at least 8 samples a run)
#   CLIENTS    WebSocket clients, 1 % of them whole-district wall screens (default 200)
#   RATE       events per second the load test posts on top of the simulator (default 200)
#   SIM_SPEED  the simulator's speed-up (default 10: it replays the last day at ten
#              times real speed, about 2,000 patrol positions a second for Shuangliu);
#              0 runs no simulator, so the load test's own orders and alarms, held at
#              a steady count, are all the state there is and growth is the server's
#   ADDR       loopback address to serve on (default 127.0.0.1:18790)
#   PRESET     district seeded into a fresh data directory (default shuangliu)
#   DATA       data directory; default a fresh one under $TMPDIR, removed afterwards
#   BIN        the gridpulse binary (default bin/gridpulse, made by `make build`)
#   LOADTEST_FLAGS  more loadtest flags, e.g. "--json"
set -euo pipefail

DURATION=${DURATION:-10m}
WARMUP=${WARMUP:-2m}
EVERY=${EVERY:-30s}
CLIENTS=${CLIENTS:-200}
RATE=${RATE:-200}
SIM_SPEED=${SIM_SPEED:-10}
ADDR=${ADDR:-127.0.0.1:18790}
PRESET=${PRESET:-shuangliu}
BIN=${BIN:-bin/gridpulse}
# The demo server's integrator key and users (docs/access.md).
KEY=${GRIDPULSE_KEY:-gridpulse-demo-key}

case "$ADDR" in
127.*:* | localhost:* | \[::1\]:*) ;;
*)
	echo "soak: ADDR $ADDR is not a loopback address" >&2
	exit 2
	;;
esac
if [ ! -x "$BIN" ]; then
	echo "soak: no $BIN; build it with make build, or set BIN" >&2
	exit 2
fi

made_data=
if [ -z "${DATA:-}" ]; then
	DATA=$(mktemp -d "${TMPDIR:-/tmp}/gridpulse-soak.XXXXXX")
	made_data=1
fi
server=
loadtest=
cleanup() {
	for pid in $loadtest $server; do
		if kill -0 "$pid" 2>/dev/null; then
			kill -TERM "$pid"
			wait "$pid" || true
		fi
	done
	if [ -n "$made_data" ]; then
		rm -rf "$DATA"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ ! -d "$DATA/areas" ]; then
	"$BIN" seed --preset "$PRESET" --out "$DATA/areas" >/dev/null
fi

if curl -fsS "http://$ADDR/healthz" >/dev/null 2>&1; then
	echo "soak: something already serves $ADDR; stop it or set ADDR" >&2
	exit 2
fi

log="$DATA/serve.log"
simulate=(--simulate --sim-speed "$SIM_SPEED")
if [ "$SIM_SPEED" = 0 ]; then
	simulate=()
fi
echo "soak: serving $DATA on $ADDR, simulator speed ${SIM_SPEED} (log: $log)" >&2
"$BIN" serve --demo --addr "$ADDR" --data "$DATA" "${simulate[@]}" \
	--ws-conns-per-user $((CLIENTS + 16)) >"$log" 2>&1 &
server=$!

for _ in $(seq 1 600); do
	if curl -fsS "http://$ADDR/readyz" >/dev/null 2>&1; then
		break
	fi
	if ! kill -0 "$server" 2>/dev/null; then
		echo "soak: the server stopped; the end of its log:" >&2
		tail -n 20 "$log" >&2
		exit 1
	fi
	sleep 0.5
done

status=0
# In the background and waited for, so that a signal stops the soak at once
# (bash runs a trap only when the command in the foreground returns).
# shellcheck disable=SC2086 # LOADTEST_FLAGS is a list of flags
"$BIN" loadtest --url "http://$ADDR" --data "$DATA" --key "$KEY" --user demo-command --password demo \
	--clients "$CLIENTS" --rate "$RATE" --open-orders 300 --active-alarms 100 \
	--warmup "$WARMUP" --duration "$DURATION" --soak "$EVERY" \
	${LOADTEST_FLAGS:-} &
loadtest=$!
wait "$loadtest" || status=$?
loadtest=

errors=$(grep -c 'level=ERROR' "$log" || true)
echo "soak: the server logged $errors errors" >&2
exit "$status"
