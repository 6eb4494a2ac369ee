#!/bin/sh
# The Gridpulse image's entrypoint: seed the district into the data
# directory on the first start, then serve with the arguments given.
set -eu

data="${GRIDPULSE_DATA:-/var/lib/gridpulse/data}"
if ! ls "$data"/areas/*.geojson >/dev/null 2>&1; then
	gridpulse seed --preset "${GRIDPULSE_PRESET:-shuangliu}" --out "$data/areas"
fi
exec gridpulse serve "$@"
