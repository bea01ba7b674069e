#!/bin/sh
# perf.sh measures the CLI on a synthetic repository: it builds baton,
# writes a repository of N incidents (package internal/synth: 40 people, 60%
# with postmortems, half public) and times `baton validate`, `baton imoc
# --json` and `baton schedule --days 365 --json`, each RUNS times, with
# GNU time, /usr/bin/time (wall, CPU and peak memory; 10 ms resolution).
#
#   scripts/perf.sh [N] [RUNS]      (defaults: 10000 and 3)
#
# Run it from the repository root. Set BATON to time another binary, and
# WORK to keep the generated repository between runs (it is reused when it
# exists). Timings on a shared machine are noisy: compare CPU time, and
# ranges over several runs.
set -eu

n=${1:-10000}
runs=${2:-3}
work=${WORK:-$(mktemp -d)}
repo=$work/repo-$n

if [ -z "${BATON:-}" ]; then
	BATON=$work/baton
	go build -o "$BATON" ./cmd/baton
fi
if [ ! -d "$repo" ]; then
	go test ./cmd/baton -count=1 -run '^TestWriteLargeRepo$' -large-repo "$repo" -large-repo-n "$n" >/dev/null
fi

now=2026-11-27T12:00:00Z
measure() {
	name=$1
	shift
	i=1
	while [ "$i" -le "$runs" ]; do
		/usr/bin/time -f "$name: %e s wall, %U s user, %S s sys, %M KiB max RSS" \
			"$BATON" --repo "$repo" --now "$now" "$@" >/dev/null
		i=$((i + 1))
	done
}
measure "validate" validate
measure "imoc --json" imoc --json
measure "schedule --days 365 --json" schedule --days 365 --json
