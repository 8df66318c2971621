#!/usr/bin/env bash
# bench/run.sh: container start time, rootless, side by side with podman and with
# the kernel's floor (unshare), with hyperfine; also wren's own start-up cost.
# Prints a markdown section; `bench/run.sh --record` appends it to bench/RESULTS.md.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/lib.sh
. "$repo/bench/lib.sh"
bench_as_user "$repo/bench/run.sh" "$@"

runs=${BENCH_RUNS:-40}
wren=${WREN:-$repo/bin/wren}
command -v hyperfine >/dev/null || { echo "bench/run.sh: hyperfine is missing (apt-get install hyperfine)" >&2; exit 1; }
bench_store
"$wren" run --rm --network none bench-busybox true
# keep-id's first run makes the image's id-mapped layer; the figures are for the runs after.
"$wren" run --rm --network none --userns=keep-id bench-busybox true

args=(-n "wren run --rm busybox true" "$wren run --rm --network none bench-busybox true"
	-n "wren run --rm --userns=keep-id busybox true" "$wren run --rm --network none --userns=keep-id bench-busybox true"
	-n "unshare -Urmpf --mount-proc true (floor)" "unshare -Urmpf --mount-proc true")
note=""
runtime=$(bench_podman_runtime)
if [ -n "$runtime" ]; then
	args+=(-n "podman run --rm busybox true ($runtime)"
		"podman --runtime $runtime run --rm --network none localhost/bench-busybox true"
		-n "podman run --rm --userns=keep-id busybox true ($runtime)"
		"podman --runtime $runtime run --rm --network none --userns=keep-id localhost/bench-busybox true")
	note=" podman $(podman version -f '{{.Client.Version}}' 2>/dev/null) with $runtime."
fi

bench_header "Container start"
echo "Rootless, --network none on both sides, same busybox image, hyperfine -N, $runs runs after 5 warm-ups.$note"
echo
hyperfine -N --warmup 5 --runs "$runs" --style none --export-markdown "$work/run.md" "${args[@]}" >/dev/null
cat "$work/run.md"
echo
hyperfine -N --warmup 5 --runs "$runs" --style none --export-markdown "$work/cli.md" \
	-n "wren --help" "$wren --help" -n "wren version" "$wren version" >/dev/null
cat "$work/cli.md"
echo
init=$(GODEBUG=inittrace=1 "$wren" --help 2>&1 >/dev/null | awk '/^init/ {ms += $5} END {printf "%.1f", ms}')
echo "Package init of wren (GODEBUG=inittrace=1, sum of clock times): $init ms."
